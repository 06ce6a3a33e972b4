using System.Threading.RateLimiting;

namespace OneClick.Web.Hosting;

/// <summary>
/// A fixed window of <c>permits</c> that starts at its first request, timed by the injected clock:
/// the built-in limiters keep their own time, so tests could not move them, and their refusals say the
/// whole window length instead of the time left. A refusal carries both that time
/// (<see cref="MetadataName.RetryAfter"/>) and the limit in words (<see cref="MetadataName.ReasonPhrase"/>),
/// and the limit's name for the operators' count of refusals (<see cref="PolicyMetadata"/>).
/// </summary>
public sealed class ClockWindowLimiter(TimeProvider clock, int permits, TimeSpan window, string reason, string policy = "other") : RateLimiter
{
    /// <summary>The lease's metadata that names the limit (a fixed word: <c>oneclick.rate_limit.refusals</c>'s label).</summary>
    public const string PolicyMetadata = "OneClick.RateLimitPolicy";

    private readonly Lock gate = new();
    private readonly int permitLimit = Math.Max(1, permits);
    private DateTimeOffset windowEnd = DateTimeOffset.MinValue;
    private int used;

    /// <summary>Idle only once its window is over: a partition that still counts is never dropped.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (gate)
            {
                var now = clock.GetUtcNow();
                return now >= windowEnd ? now - windowEnd : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = clock.GetUtcNow() >= windowEnd ? permitLimit : permitLimit - used };
        }
    }

    /// <summary>With 0 permits: whether one is left, taking none (a check before work that may count).</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (now >= windowEnd && permitCount == 0)
            {
                // A check opens no window: a partition only checked stays idle and is dropped.
                return Granted;
            }

            if (now >= windowEnd)
            {
                windowEnd = now + window;
                used = 0;
            }

            if (used + Math.Max(permitCount, 1) <= permitLimit)
            {
                used += permitCount;
                return Granted;
            }

            return new Lease(false, windowEnd - now, reason, policy);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private static readonly RateLimitLease Granted = new Lease(true, null, null, null);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter, string? reason, string? policy) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name, PolicyMetadata];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? reason
                : metadataName == PolicyMetadata ? policy
                : null;
            return metadata is not null;
        }
    }
}
