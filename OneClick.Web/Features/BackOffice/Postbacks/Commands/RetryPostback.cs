using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks.Commands;

public abstract record RetryPostbackOutcome
{
    /// <summary>Due now; the outbox has been woken to send it.</summary>
    public sealed record MadeDue(long DeliveryId) : RetryPostbackOutcome;

    /// <summary>No such delivery, or another merchant's: the same answer for both.</summary>
    public sealed record NotFound : RetryPostbackOutcome;

    /// <summary>Delivered or given up since the page was shown: nothing to retry.</summary>
    public sealed record AlreadyFinished(PostbackState State, int Attempts) : RetryPostbackOutcome;
}

/// <summary>"Retry now": a pending delivery becomes due at once, keeping its count of attempts, with an audit entry.</summary>
public sealed class RetryPostback(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, OutboxSignal outbox, TimeProvider clock, ILogger<RetryPostback> logger)
{
    public const string Action = "postback.retry";

    public async Task<RetryPostbackOutcome> RunAsync(long deliveryId, CancellationToken cancellationToken)
    {
        // Checked again here, whatever the page showed: a form may be posted for any delivery id.
        var shopIds = await staff.ShopIdsAsync();
        // Read inside the turn: the dispatcher records its results in turns too, so a delivery that
        // was just delivered reads as delivered here, not as one to retry.
        await using (var turn = await gate.BeginAsync(db, cancellationToken))
        {
            var delivery = await db.PostbackDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && shopIds.Contains(d.ShopId), cancellationToken);
            if (delivery is null)
            {
                return new RetryPostbackOutcome.NotFound();
            }

            if (delivery.State != PostbackState.Pending)
            {
                db.Entry(delivery).State = EntityState.Detached;
                return new RetryPostbackOutcome.AlreadyFinished(delivery.State, delivery.Attempts);
            }

            var merchantId = await db.Shops.Where(s => s.Id == delivery.ShopId).Select(s => s.MerchantId).SingleAsync(cancellationToken);
            var before = new { delivery.State, delivery.Attempts, delivery.NextAttemptAt };
            delivery.DueNow(clock.GetUtcNow().UtcDateTime);
            await audit.RecordAsync(Action, $"postback {delivery.Id} (sale {delivery.SaleId})", merchantId, before, new { delivery.State, delivery.Attempts, delivery.NextAttemptAt });
            await db.SaveChangesAsync(cancellationToken);
            await turn.CommitAsync(cancellationToken);
        }

        outbox.Wake();
        logger.LogInformation("Postback {DeliveryId} made due now from the back-office", deliveryId);
        return new RetryPostbackOutcome.MadeDue(deliveryId);
    }
}
