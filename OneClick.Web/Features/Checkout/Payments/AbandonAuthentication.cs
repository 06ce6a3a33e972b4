using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <param name="GivenUp">False when the buyer answered meanwhile, or the challenge is not old enough.</param>
public sealed record AbandonAuthenticationOutcome(bool GivenUp);

/// <summary>
/// Gives up a payment whose 3-D Secure challenge the buyer left: the sale is declined (nothing was
/// charged), the order opens again or closes as after any decline, and a pending contract goes with
/// its card. The order is taken like an answer would take it, so a late answer and this cannot both count.
/// </summary>
public sealed class AbandonAuthentication(
    OneClickDbContext db,
    Settlement settlement,
    ShopSnapshots shops,
    WriteGate gate,
    TimeProvider clock,
    ILogger<AbandonAuthentication> logger)
{
    /// <summary>A 3-D Secure challenge with no answer for this long is given up: the buyer left.</summary>
    public static readonly TimeSpan After = TimeSpan.FromMinutes(30);

    public async Task<AbandonAuthenticationOutcome> RunAsync(string orderId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not { State: OrderState.AwaitingAuthentication, CurrentSaleId: { } saleId } || order.UpdatedAt > now - After)
        {
            return new AbandonAuthenticationOutcome(false);
        }

        var sale = await db.Sales.SingleAsync(s => s.Id == saleId, cancellationToken);
        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        try
        {
            order.StartAuthenticationAnswer(now);
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new AbandonAuthenticationOutcome(false);
        }

        logger.LogInformation("Order {OrderId}: 3-D Secure challenge of sale {SaleId} abandoned", order.Id, sale.Id);
        await settlement.ApplyAsync(order, shop, sale, new AuthorizationResult.Declined(sale.TransactionId, DeclineReason.AuthenticationAbandoned), CancellationToken.None);
        return new AbandonAuthenticationOutcome(true);
    }
}
