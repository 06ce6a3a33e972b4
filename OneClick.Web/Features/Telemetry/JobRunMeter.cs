using System.Diagnostics;
using Hangfire.Server;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// Counts and times every job this node runs (a Hangfire server filter): <c>oneclick.jobs.runs</c> by
/// job and outcome, <c>oneclick.jobs.duration</c> by job. A recurring job is named by its id (the
/// schedule's name), any other by its command's type: a fixed set either way.
/// </summary>
public sealed class JobRunMeter(OneClickMetrics metrics) : IServerFilter
{
    private const string StartedKey = "OneClick.JobStarted";

    public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = Stopwatch.GetTimestamp();

    public void OnPerformed(PerformedContext context)
    {
        var took = context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp
            ? Stopwatch.GetElapsedTime(timestamp)
            : TimeSpan.Zero;
        var type = context.BackgroundJob.Job?.Type;
        var name = Scheduling.RecurringJobs.FirstOrDefault(j => j.Command == type)?.Id ?? type?.Name ?? "unknown";
        metrics.JobRan(name, succeeded: context.Exception is null || context.ExceptionHandled, took);
    }
}
