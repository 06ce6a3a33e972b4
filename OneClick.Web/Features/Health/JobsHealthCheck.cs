using System.Data.Common;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Health;

/// <summary>
/// The job engine (Hangfire, decision 027) runs: a server of it sends heartbeats, this node's among
/// them, every recurring job of <see cref="Scheduling.RecurringJobs"/> is in the job store, and none
/// failed every try of its last run here (<see cref="RecurringJobHealth"/>). Read from the gateway's
/// own job store through Hangfire's monitoring API; on PostgreSQL the nodes share that store, so the
/// servers are every node's.
/// </summary>
public sealed class JobsHealthCheck(JobStorage storage, RecurringJobHealth runs, TimeProvider clock) : IHealthCheck
{
    /// <summary>
    /// A server whose last heartbeat is older than this is taken for stopped: Hangfire sends one every
    /// 30 seconds, so four were missed (it removes such a server itself after 5 minutes). Hangfire
    /// stamps heartbeats by the system's clock, which is the gateway's outside tests.
    /// </summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Hangfire's set of recurring job ids (what <see cref="RecurringJobRegistration"/> reads too).</summary>
    private const string RecurringJobsSet = "recurring-jobs";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        IList<Hangfire.Storage.Monitoring.ServerDto> servers;
        HashSet<string> scheduled;
        try
        {
            servers = storage.GetMonitoringApi().Servers();
            using var connection = storage.GetConnection();
            scheduled = connection.GetAllItemsFromSet(RecurringJobsSet);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"The job store cannot be read ({ex.GetType().Name}): postback retries, expiries and purges may not run. " +
                "On PostgreSQL it lives in the gateway's database (schema hangfire): check the database check, then the node's log."));
        }

        var live = servers.Where(s => now - (s.Heartbeat ?? s.StartedAt) <= HeartbeatTimeout).ToList();
        var ownLive = live.Count(s => s.Name.StartsWith(Scheduling.ServerName + ":", StringComparison.OrdinalIgnoreCase));
        var missing = Scheduling.RecurringJobs.Where(j => !scheduled.Contains(j.Id)).Select(j => j.Id).ToList();
        var failing = Scheduling.RecurringJobs.Select(j => runs.FailingOf(j.Id)).OfType<FailingJob>().ToList();
        var data = new Dictionary<string, object>
        {
            ["servers"] = servers.Count,
            ["liveServers"] = live.Count,
            ["thisNodeLiveServers"] = ownLive,
            ["recurringJobs"] = Scheduling.RecurringJobs.Count - missing.Count,
            ["missingRecurringJobs"] = missing.Count,
            ["failingRecurringJobs"] = failing.Count,
        };

        var problems = new List<(HealthStatus Status, string Text)>();
        var heartbeat = $"{HeartbeatTimeout.TotalMinutes:0} minutes";
        if (live.Count == 0)
        {
            problems.Add((HealthStatus.Unhealthy,
                $"No job server has sent a heartbeat in the last {heartbeat}: postback retries, e-mails, refunds, expiries and purges are not being run. " +
                "Each node runs a server: restart the gateway, and look in its log for why Hangfire stopped."));
        }
        else if (ownLive == 0)
        {
            problems.Add((HealthStatus.Degraded,
                $"This node's job server has sent no heartbeat in the last {heartbeat}; {live.Count} other server(s) run the jobs meanwhile. " +
                "Restart this node, and look in its log for why Hangfire stopped."));
        }

        if (missing.Count > 0)
        {
            problems.Add((HealthStatus.Unhealthy,
                $"{missing.Count} of {Scheduling.RecurringJobs.Count} recurring jobs are not scheduled ({string.Join(", ", missing)}) and will not run. " +
                "A node schedules them when it starts (or once a lock on them is free): restart a node, and look in its log for \"Recurring jobs not set yet\"."));
        }

        foreach (var job in failing)
        {
            problems.Add((HealthStatus.Degraded,
                $"The recurring job {job.Id} failed every try of its last run ({job.Error}) and runs again on its schedule. " +
                "The jobs dashboard (/account/jobs) shows the cause."));
        }

        if (problems.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy(
                $"The job engine runs: {live.Count} server(s) sending heartbeats, this node's among them, and all {Scheduling.RecurringJobs.Count} recurring jobs scheduled.",
                data));
        }

        var status = problems.Min(p => p.Status);
        return Task.FromResult(new HealthCheckResult(status, string.Join(" ", problems.Select(p => p.Text)), data: data));
    }
}
