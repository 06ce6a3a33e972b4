using System.Collections.Concurrent;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Options;

namespace OneClick.Web.Hosting;

/// <summary>A recurring job whose last run failed every try (<see cref="JobOptions.Attempts"/>) and has not succeeded since.</summary>
public sealed record FailingJob(string Id, DateTime FailedAt, string Error);

/// <summary>
/// Follows each recurring job's runs on this node (a Hangfire state filter): a run that failed all
/// its tries is logged and stays failing until one succeeds, so that the back-office can warn while
/// it lasts (the outbox sweep's failure delays every retried postback).
/// </summary>
public sealed class RecurringJobHealth(IOptions<JobOptions> options, TimeProvider clock, ILogger<RecurringJobHealth> logger) : JobFilterAttribute, IApplyStateFilter
{
    private readonly ConcurrentDictionary<string, FailingJob> failing = new(StringComparer.Ordinal);

    public FailingJob? FailingOf(string id) => failing.GetValueOrDefault(id);

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        var job = Scheduling.RecurringJobs.FirstOrDefault(j => j.Command == context.BackgroundJob.Job?.Type);
        if (job is null)
        {
            return;
        }

        switch (context.NewState)
        {
            case SucceededState:
                if (failing.TryRemove(job.Id, out _))
                {
                    logger.LogInformation("Recurring job {Id} succeeded again", job.Id);
                }

                break;
            case FailedState failed:
                // Only the last try reaches Failed: the retry filter turns the earlier ones into Scheduled.
                var error = failed.Exception.GetType().Name;
                // Stamped by the gateway's clock, which the back-office shows times by (Hangfire keeps its own).
                failing[job.Id] = new FailingJob(job.Id, clock.GetUtcNow().UtcDateTime, error);
                logger.LogError(failed.Exception, "Recurring job {Id} failed {Attempts} tries ({Error}); it runs again on its schedule", job.Id, options.Value.Attempts, error);
                break;
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
