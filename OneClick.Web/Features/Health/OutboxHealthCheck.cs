using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Health;

/// <summary>What of the outbox is due now, and how long the longest-waiting due item has waited.</summary>
/// <param name="OldestDue">Since its next attempt's time (a postback, an e-mail) or its request (a refund); zero when nothing is due.</param>
public sealed record OutboxBacklog(int Postbacks, int Emails, int Refunds, TimeSpan OldestDue)
{
    public int Due => Postbacks + Emails + Refunds;

    /// <summary>The thresholds' verdict (<see cref="HealthOptions"/>): over the limit Unhealthy; over the warning, or waiting too long, Degraded.</summary>
    public HealthStatus StatusBy(HealthOptions options) =>
        Due > options.OutboxBacklogLimit ? HealthStatus.Unhealthy
        : Due > options.OutboxBacklogWarning || OldestDue > options.OldestDueWarning ? HealthStatus.Degraded
        : HealthStatus.Healthy;
}

/// <summary>
/// The outbox's backlog: postbacks, buyer e-mails and requested refunds that are due (each by its own
/// rule in OneClick.Core: <see cref="PostbackDelivery.DueAt"/>, <see cref="OutboxEmail.DueAt"/>,
/// <see cref="Refund.DueAt"/>), not those waiting for a later retry. The dispatcher sends what comes due
/// within seconds: a backlog means it cannot keep up, or is not running.
/// </summary>
public sealed class OutboxHealthCheck(OneClickDbContext db, IOptions<HealthOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        OutboxBacklog backlog;
        try
        {
            backlog = await ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(
                $"The outbox cannot be read ({ex.GetType().Name}): see the database check.");
        }

        var data = new Dictionary<string, object>
        {
            ["due"] = backlog.Due,
            ["duePostbacks"] = backlog.Postbacks,
            ["dueEmails"] = backlog.Emails,
            ["dueRefunds"] = backlog.Refunds,
            ["oldestDueSeconds"] = Math.Round(backlog.OldestDue.TotalSeconds),
            ["backlogWarning"] = settings.OutboxBacklogWarning,
            ["backlogLimit"] = settings.OutboxBacklogLimit,
            ["oldestDueWarningSeconds"] = settings.OldestDueWarning.TotalSeconds,
        };
        var status = backlog.StatusBy(settings);
        var counts = $"{backlog.Due} item(s) due ({backlog.Postbacks} postback(s), {backlog.Emails} e-mail(s), {backlog.Refunds} refund(s))";
        var oldest = $"the oldest waiting {Waited(backlog.OldestDue)}";
        return status switch
        {
            HealthStatus.Healthy => HealthCheckResult.Healthy(
                backlog.Due == 0 ? "Nothing in the outbox is due: postbacks, e-mails and refunds go out as they come due." : $"{counts}, {oldest}: within the thresholds.",
                data),
            _ => new HealthCheckResult(status,
                $"{counts}, {oldest}: over {Threshold(backlog, settings)}. " +
                "The dispatcher is not keeping up, or not sending: look at the jobs check (the outbox sweep), the node's log, and the Postbacks page for merchants that do not answer.",
                data: data),
        };
    }

    private async Task<OutboxBacklog> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var postbacks = db.PostbackDeliveries.AsNoTracking().Where(PostbackDelivery.DueAt(now));
        var emails = db.OutboxEmails.AsNoTracking().Where(OutboxEmail.DueAt(now));
        var refunds = db.Refunds.AsNoTracking().Where(Refund.DueAt(now));
        DateTime?[] since =
        [
            await postbacks.MinAsync(d => (DateTime?)d.NextAttemptAt, cancellationToken),
            await emails.MinAsync(e => (DateTime?)e.NextAttemptAt, cancellationToken),
            await refunds.MinAsync(r => (DateTime?)r.CreatedAt, cancellationToken),
        ];
        var oldest = since.Where(s => s is not null).Select(s => now - s!.Value).DefaultIfEmpty(TimeSpan.Zero).Max();
        return new OutboxBacklog(
            await postbacks.CountAsync(cancellationToken),
            await emails.CountAsync(cancellationToken),
            await refunds.CountAsync(cancellationToken),
            oldest < TimeSpan.Zero ? TimeSpan.Zero : oldest);
    }

    private static string Threshold(OutboxBacklog backlog, HealthOptions settings) =>
        backlog.Due > settings.OutboxBacklogLimit ? $"the limit of {settings.OutboxBacklogLimit} (OneClick:Health:OutboxBacklogLimit)"
        : backlog.Due > settings.OutboxBacklogWarning ? $"the warning threshold of {settings.OutboxBacklogWarning} (OneClick:Health:OutboxBacklogWarning)"
        : $"the {Waited(settings.OldestDueWarning)} a due item may wait (OneClick:Health:OldestDueWarning)";

    private static string Waited(TimeSpan time) =>
        time < TimeSpan.FromMinutes(2) ? FormattableString.Invariant($"{time.TotalSeconds:0} s")
        : time < TimeSpan.FromHours(2) ? FormattableString.Invariant($"{time.TotalMinutes:0} min")
        : FormattableString.Invariant($"{time.TotalHours:0.#} h");
}
