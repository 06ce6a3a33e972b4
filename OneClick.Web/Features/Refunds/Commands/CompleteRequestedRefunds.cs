using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Refunds.Commands;

/// <param name="Completed">Refunds the acquirer answered (done or refused); the others are asked again later.</param>
public sealed record CompleteRequestedRefundsOutcome(int Completed);

/// <summary>
/// Asks the acquirer for every booked refund (by staff, <see cref="RefundSale"/>, or automatic, when
/// a sale's postback was given up) and saves what it answered, one refund at a time: the refund's id
/// is the idempotency key, so a retry after a crash refunds once. The confirmation is saved with the
/// merchant's credit postback and the buyer's e-mail. The outbox dispatcher runs it.
/// </summary>
public sealed class CompleteRequestedRefunds(
    OneClickDbContext db,
    IAcquirer acquirer,
    WriteGate gate,
    OutboxSignal outbox,
    TimeProvider clock,
    ILogger<CompleteRequestedRefunds> logger)
{
    public async Task<CompleteRequestedRefundsOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var completed = 0;
        var requested = await db.Refunds.Where(r => r.State == RefundState.Requested).OrderBy(r => r.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var refund in requested)
        {
            var sale = await db.Sales.SingleAsync(s => s.Id == refund.SaleId, cancellationToken);
            RefundResult result;
            try
            {
                result = await acquirer.RefundAsync(sale.TransactionId!, refund.Price, refund.IdempotencyKey, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The acquirer may or may not have done it: the idempotency key makes the next try safe.
                logger.LogWarning("Refund {RefundId} of sale {SaleId}: the acquirer failed ({Error}); it will be asked again", refund.Id, sale.Id, ex.GetType().Name);
                continue;
            }

            if (result is RefundResult.Refunded refunded)
            {
                sale.RefundCompleted(refund, refunded.RefundId, Now);
                await WriteNoticesAsync(sale, refund, cancellationToken);
                logger.LogInformation("Sale {SaleId}: refunded {Amount} {Currency} ({Kind})", sale.Id, refund.Amount, refund.Currency, refund.Automatic ? "automatic" : "by staff");
            }
            else
            {
                var reason = ((RefundResult.Failed)result).Reason;
                sale.RefundFailed(refund, reason, Now);
                logger.LogWarning("Refund {RefundId} of sale {SaleId} failed at the acquirer: {Reason}", refund.Id, sale.Id, reason);
            }

            await gate.SaveChangesAsync(db, CancellationToken.None);
            completed++;
            outbox.WakeForEverything();
        }

        return new CompleteRequestedRefundsOutcome(completed);
    }

    /// <summary>The merchant's <c>event=credit</c> postback and the buyer's e-mail, saved with the confirmation.</summary>
    private async Task WriteNoticesAsync(Sale sale, Refund refund, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == sale.OrderId, cancellationToken);
        var shop = await db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == sale.ShopId, cancellationToken);
        if (PostbackOutbox.ForCredit(shop, order, sale, refund.Amount, Now) is { } credit)
        {
            db.PostbackDeliveries.Add(credit);
        }

        if (order.Email is not null)
        {
            db.OutboxEmails.Add(BuyerEmails.RefundNotice(order.Email, shop, order, sale, refund, Now));
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
