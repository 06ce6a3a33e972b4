using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Refunds;

/// <summary>
/// Gives money back on a sale: the automatic refund of a sale the merchant never acknowledged, and
/// (from the back-office) full and partial refunds by staff, all by one path. The refund is booked
/// against the sale first (a concurrency-checked change, so two refunds cannot give back too much),
/// then the acquirer does it, then the merchant's credit postback and the buyer's e-mail go into the
/// outbox with the confirmation.
/// </summary>
public sealed class RefundService(
    OneClickDbContext db,
    IAcquirer acquirer,
    OutboxSignal outbox,
    TimeProvider clock,
    ILogger<RefundService> logger)
{
    public const string UnacknowledgedReason = "The merchant did not acknowledge the sale's postback, so the sale was refunded automatically.";

    public Task<RefundOutcome> RefundUnacknowledgedAsync(long saleId, CancellationToken cancellationToken) =>
        RefundAsync(saleId, amount: null, UnacknowledgedReason, automatic: true, cancellationToken);

    /// <param name="amount">The amount to give back; null for all that is left.</param>
    public async Task<RefundOutcome> RefundAsync(long saleId, decimal? amount, string reason, bool automatic, CancellationToken cancellationToken)
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
        catch (Exception ex) when (ex is OrderStateException or ArgumentOutOfRangeException)
        {
            return new RefundOutcome.Refused(ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new RefundOutcome.Refused("Another refund of this sale was made at the same moment: look at the sale again.");
        }

        var result = await acquirer.RefundAsync(sale.TransactionId!, refund.Price, CancellationToken.None);
        if (result is RefundResult.Failed failed)
        {
            sale.RefundFailed(refund, failed.Reason, Now);
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogWarning("Refund {RefundId} of sale {SaleId} failed at the acquirer: {Reason}", refund.Id, sale.Id, failed.Reason);
            return new RefundOutcome.Refused($"The acquirer refused the refund: {failed.Reason}");
        }

        refund.Complete(((RefundResult.Refunded)result).RefundId);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == sale.OrderId, CancellationToken.None);
        var shop = await db.Shops.AsNoTracking().SingleAsync(s => s.Id == sale.ShopId, CancellationToken.None);
        if (PostbackOutbox.ForCredit(shop, order, sale, refund.Amount, Now) is { } credit)
        {
            db.PostbackDeliveries.Add(credit);
        }

        if (order.Email is not null)
        {
            db.OutboxEmails.Add(BuyerEmails.RefundNotice(order.Email, shop, order, sale, refund, Now));
        }

        await db.SaveChangesAsync(CancellationToken.None);
        outbox.Wake();
        logger.LogInformation("Sale {SaleId}: refunded {Amount} {Currency} ({Kind})", sale.Id, refund.Amount, refund.Currency, automatic ? "automatic" : "by staff");
        return new RefundOutcome.Refunded(refund.Id);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

public abstract record RefundOutcome
{
    public sealed record Refunded(long RefundId) : RefundOutcome;

    public sealed record Refused(string Reason) : RefundOutcome;
}
