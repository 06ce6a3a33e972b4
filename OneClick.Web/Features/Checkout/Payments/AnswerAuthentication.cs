using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>The buyer's answer to a 3-D Secure challenge, passed to the acquirer; its answer is settled like any other.</summary>
public sealed class AnswerAuthentication(
    OneClickDbContext db,
    IAcquirer acquirer,
    Settlement settlement,
    ChargeableContractQuery chargeable,
    ShopSnapshots shops,
    WriteGate gate,
    TimeProvider clock,
    ILogger<AnswerAuthentication> logger)
{
    public async Task<PaymentOutcome> RunAsync(string orderId, bool authenticated, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        if (order.State != OrderState.AwaitingAuthentication || order.CurrentSaleId is not { } saleId)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        using var span = OneClickTraces.StartPayment(order, "3-D Secure answer");
        var sale = await db.Sales.SingleAsync(s => s.Id == saleId, cancellationToken);
        // Read before the acquirer answers: nothing that can fail stands between its answer and saving it.
        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        bool contractGone;
        try
        {
            // One answer counts: the order is taken before the acquirer hears it. A contract deactivated
            // while the buyer authenticated is seen in the same turn: it can never be charged again.
            await using var turn = await gate.BeginAsync(db, cancellationToken);
            contractGone = order.Recurrence == RecurrenceAction.SubsequentPayment && await chargeable.RunAsync(order, cancellationToken) is null;
            order.StartAuthenticationAnswer(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            await turn.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }

        AuthorizationResult result;
        try
        {
            result = contractGone
                ? new AuthorizationResult.Declined(sale.TransactionId, DeclineReason.ContractDeactivated)
                : await acquirer.CompleteAuthenticationAsync(sale.TransactionId!, authenticated, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Order {OrderId}: the acquirer failed to complete 3-D Secure ({Error})", order.Id, ex.GetType().Name);
            result = new AuthorizationResult.Unavailable(ex.GetType().Name);
        }

        return await settlement.ApplyAsync(order, shop, sale, result, CancellationToken.None);
    }
}
