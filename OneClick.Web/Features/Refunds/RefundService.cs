using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Refunds;

/// <summary>
/// Gives money back on a sale, by one path for the automatic refund of a sale the merchant never
/// acknowledged and for staff refunds (full or partial). A refund is first booked against the sale
/// (a concurrency-checked change, so two refunds cannot give back too much) and saved; the outbox
/// then asks the acquirer, with the refund's id as idempotency key so that a retry after a crash
/// refunds once, and saves the confirmation together with the merchant's credit postback and the
/// buyer's e-mail.
/// </summary>
public sealed class RefundService(
    OneClickDbContext db,
    IAcquirer acquirer,
    OutboxSignal outbox,
    TimeProvider clock,
    ILogger<RefundService> logger)
{
    public const string UnacknowledgedReason = "The merchant did not acknowledge the sale's postback, so the sale was refunded automatically.";

    /// <param name="amount">The amount to give back; null for all that is left.</param>
    public async Task<RefundOutcome> RequestAsync(long saleId, decimal? amount, string reason, bool automatic, CancellationToken cancellationToken)
    {
        var sale = await db.Sales.SingleOrDefaultAsync(s => s.Id == saleId, cancellationToken);
        if (sale is null)
        {
            return new RefundOutcome.Refused("There is no such sale.");
        }

        Refund refund;
        try
        {
            refund = sale.Refund(amount ?? sale.RefundableAmount, reason, automatic, Now);
            db.Refunds.Add(refund);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OrderStateException or ArgumentOutOfRangeException or ArgumentException)
        {
            return new RefundOutcome.Refused(ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new RefundOutcome.Refused("Another refund of this sale was made at the same moment: look at the sale again.");
        }

        outbox.WakeForEverything();
        return new RefundOutcome.Requested(refund.Id);
    }

    /// <summary>Asks the acquirer for every booked refund and saves what it answered (the outbox calls this).</summary>
    public async Task CompleteRequestedAsync(CancellationToken cancellationToken)
    {
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

            await db.SaveChangesAsync(CancellationToken.None);
            outbox.WakeForEverything();
        }
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

public abstract record RefundOutcome
{
    /// <summary>Booked; the outbox has the acquirer do it.</summary>
    public sealed record Requested(long RefundId) : RefundOutcome;

    public sealed record Refused(string Reason) : RefundOutcome;
}
