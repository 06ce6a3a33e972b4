using OneClick.Web.Persistence;
using Quartz;

namespace OneClick.Web.Features.Postbacks;

/// <summary>The scheduled fallback: wakes the dispatcher even if no commit did (e.g. retries that came due).</summary>
[DisallowConcurrentExecution]
public sealed class OutboxSweepJob(OutboxSignal signal) : IJob
{
    public static readonly JobKey Key = new("outbox-sweep", "postbacks");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        signal.WakeForEverything();
        return ValueTask.CompletedTask;
    }
}
