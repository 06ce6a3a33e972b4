using Microsoft.EntityFrameworkCore;
using OneClick.Core.Sales;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Refunds.Commands;

public abstract record RefundSaleOutcome
{
    /// <summary>Booked; the outbox has the acquirer do it.</summary>
    public sealed record Requested(long RefundId) : RefundSaleOutcome;

    /// <summary>No such sale, or another merchant's: the same answer for both.</summary>
    public sealed record NotFound : RefundSaleOutcome;

    public sealed record Refused(IReadOnlyList<RefundRefusal> Refusals) : RefundSaleOutcome;
}

/// <summary>
/// A person gives back part or all of a sale. The refund is booked against the sale (a
/// concurrency-checked change, so two refunds cannot give back too much) and saved with its audit
/// entry; the outbox then asks the acquirer (<see cref="CompleteRequestedRefunds"/>).
/// </summary>
public sealed class RefundSale(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, OutboxSignal outbox, TimeProvider clock)
{
    public const string Action = "sale.refund";

    public static string Subject(long saleId) => $"sale {saleId}";

    public async Task<RefundSaleOutcome> RunAsync(long saleId, decimal amount, string? reason, CancellationToken cancellationToken)
    {
        // Checked again here, whatever the page showed: a form may be posted for any sale id.
        // The ids first: the scope's shops are read without tracking, which would spread to the sale.
        var shopIds = await staff.ShopIdsAsync();
        var sale = await db.Sales.SingleOrDefaultAsync(s => s.Id == saleId && shopIds.Contains(s.ShopId), cancellationToken);
        if (sale is null)
        {
            return new RefundSaleOutcome.NotFound();
        }

        var merchantId = await db.Shops.Where(s => s.Id == sale.ShopId).Select(s => s.MerchantId).SingleAsync(cancellationToken);
        if (sale.RefusalsOfRefund(amount, reason) is { Count: > 0 } refusals)
        {
            db.Forget(sale);
            return new RefundSaleOutcome.Refused(refusals);
        }

        var before = new { refunded = Cents(sale.RefundedAmount), currency = sale.Currency, result = sale.Result.ToString() };
        var refund = sale.Refund(amount, reason!, automatic: false, clock.GetUtcNow().UtcDateTime);
        db.Refunds.Add(refund);
        var entry = await audit.RecordAsync(Action, Subject(sale.Id), merchantId,
            before, after: new { amount = Cents(amount), currency = sale.Currency, reason = refund.Reason });
        try
        {
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.Forget(sale, refund, entry);

            return new RefundSaleOutcome.Refused(
                [new RefundRefusal(RefundField.Amount, RefundRefusalKind.NotRefundable, "Another refund of this sale was made at the same moment: look at the sale again.")]);
        }

        outbox.WakeForEverything();
        return new RefundSaleOutcome.Requested(refund.Id);
    }

    /// <summary>The amount with two decimals in the audit's JSON (adding 0.00 raises a decimal's scale to 2).</summary>
    private static decimal Cents(decimal amount) => amount + 0.00m;
}
