using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Protocol;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <param name="ReturnUrl">The merchant's cancel URL with the signed fields; null when the order can no longer be cancelled.</param>
public sealed record CancelOrderOutcome(string? ReturnUrl);

/// <summary>The buyer cancels an open API order on the hosted page: it closes, and the buyer goes back to the merchant's cancel URL.</summary>
public sealed class CancelOrder(OneClickDbContext db, ShopSnapshots shops, WriteGate gate, TimeProvider clock, ILogger<CancelOrder> logger)
{
    public async Task<CancelOrderOutcome> RunAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not { Channel: not OrderChannel.StartOrder, State: OrderState.Open, DeclineUrl: not null })
        {
            return new CancelOrderOutcome(null);
        }

        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        try
        {
            order.Cancel(clock.GetUtcNow().UtcDateTime);
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new CancelOrderOutcome(null); // a payment started meanwhile: the order page shows where it stands
        }

        logger.LogInformation("Order {OrderId}: cancelled by the buyer", order.Id);
        return new CancelOrderOutcome(MerchantUrl.WithSignedFields(order.DeclineUrl, OkData.CancelFields(shop, order), shop.SigningKey));
    }
}
