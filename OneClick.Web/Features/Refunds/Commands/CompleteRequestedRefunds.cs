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
/// is the idempotency key, so a retry after a crash refunds once. Each refund is claimed by a
/// compare-and-set before the acquirer is asked, so that of several nodes one asks (decision 029).
/// The confirmation is saved with the merchant's credit postback and the buyer's e-mail. The outbox
/// dispatcher runs it.
/// </summary>
public sealed class CompleteRequestedRefunds(
    OneClickDbContext db,
    IAcquirer acquirer,
    WriteGate gate,
    RowStatements rows,
    OutboxSignal outbox,
    BuyerEmails emails,
    TimeProvider clock,
    ILogger<CompleteRequestedRefunds> logger)
{
    /// <summary>How long the acquirer has to answer a refund: cut off then, and asked again later (the idempotency key makes that safe).</summary>
    public static readonly TimeSpan AcquirerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a node's claim on a refund lasts: the acquirer's time, then a minute to save its answer.</summary>
    public static readonly TimeSpan ClaimLease = AcquirerTimeout + TimeSpan.FromMinutes(1);

    public async Task<CompleteRequestedRefundsOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var completed = 0;
        // Not tracked: each is claimed by a kept statement first, then tracked for the save with its sale.
        var requested = await db.Refunds.AsNoTracking().Where(Refund.DueAt(Now)).OrderBy(r => r.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var refund in requested)
        {
            if (!await ClaimAsync(refund, cancellationToken))
            {
                continue; // another node asks for it, or has had its answer since the list was read
            }

            db.Refunds.Attach(refund); // as claimed: the save below holds only while the claim stands
            var sale = await db.Sales.SingleAsync(s => s.Id == refund.SaleId, cancellationToken);
            RefundResult result;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AcquirerTimeout);
                result = await acquirer.RefundAsync(sale.TransactionId!, refund.Price, refund.IdempotencyKey, timeout.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The acquirer may or may not have done it: the idempotency key makes the next try safe.
                // The claim is given up, so that the next round (of any node) asks again.
                logger.LogWarning("Refund {RefundId} of sale {SaleId}: the acquirer failed ({Error}); it will be asked again", refund.Id, sale.Id, ex.GetType().Name);
                if (refund.ClaimedUntil is { } until && until > Now)
                {
                    refund.ReleaseClaim(until, Now);
                    await SaveAsync(refund, CancellationToken.None);
                }

                db.ChangeTracker.Clear();
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

            if (await SaveAsync(refund, CancellationToken.None))
            {
                completed++;
                outbox.WakeForEverything();
            }
        }

        return new CompleteRequestedRefundsOutcome(completed);
    }

    /// <summary>
    /// Claims a due refund for this node, by a compare-and-set in a write turn of its own, committed
    /// before the acquirer is asked: false when it is no longer as read (another node claimed or
    /// completed it).
    /// </summary>
    public async Task<bool> ClaimAsync(Refund refund, CancellationToken cancellationToken)
    {
        var now = Now;
        if (!refund.IsDueAt(now))
        {
            return false;
        }

        var asRead = rows.Snapshot(db, refund);
        refund.Claim(now, ClaimLease);
        await using var write = await gate.BeginAsync(db, cancellationToken);
        if (!await rows.TryUpdateAsync(db, refund, asRead, cancellationToken, nameof(Refund.State)))
        {
            return false;
        }

        await write.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Saves what the context tracks (the refund, its sale, the notices) in one turn, while this node's
    /// claim stands (the refund's concurrency token) and the sale is as read; past its lease another
    /// node may have taken the refund over, and then that node's answer is the one saved. Whether it was saved.
    /// </summary>
    private async Task<bool> SaveAsync(Refund refund, CancellationToken cancellationToken)
    {
        try
        {
            await gate.SaveChangesAsync(db, cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Refund {RefundId}: changed meanwhile (its claim lapsed and another node took it over, or its sale moved); it is asked again once no node holds it", refund.Id);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear(); // one refund at a time: the next reads its sale afresh
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
            db.OutboxEmails.Add(emails.RefundNotice(order.Email, shop, order, sale, refund, Now));
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
