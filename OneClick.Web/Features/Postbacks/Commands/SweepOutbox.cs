using Microsoft.EntityFrameworkCore;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Postbacks.Commands;

/// <param name="DuePostbacks">Postbacks due now: first sends a crash left behind, and retries that came due (none a node holds a live claim on).</param>
/// <param name="DueEmails">Buyer e-mails due now.</param>
/// <param name="RequestedRefunds">Refunds booked and not yet answered by the acquirer (automatic ones included), none a node is asking for.</param>
public sealed record SweepOutboxOutcome(int DuePostbacks, int DueEmails, int RequestedRefunds);

/// <summary>
/// The recurring sweep of the outbox: what no commit woke the dispatcher for (a retry that came due,
/// what a crash or a restart left pending, a refund to ask the acquirer again) is counted and handed
/// to the in-process dispatcher, which sends it within its fair shares (decision 027). Sending here
/// would bypass the per-shop and per-merchant slots; the counts are the run's record in the dashboard.
/// </summary>
public sealed class SweepOutbox(OneClickDbContext db, OutboxSignal outbox, OneClickMetrics metrics, TimeProvider clock)
{
    public async Task<SweepOutboxOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var postbacks = await db.PostbackDeliveries.CountAsync(PostbackDelivery.DueAt(now), cancellationToken);
        var emails = await db.OutboxEmails.CountAsync(OutboxEmail.DueAt(now), cancellationToken);
        var refunds = await db.Refunds.CountAsync(Refund.DueAt(now), cancellationToken);
        metrics.OutboxDue(postbacks, emails, refunds);
        if (postbacks + emails + refunds > 0)
        {
            outbox.WakeForEverything();
        }

        return new SweepOutboxOutcome(postbacks, emails, refunds);
    }
}
