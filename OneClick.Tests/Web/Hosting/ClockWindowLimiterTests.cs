using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Hosting;

public sealed class ClockWindowLimiterTests
{
    [Fact]
    public void Check_without_an_open_window_opens_none_and_leaves_the_partition_idle()
    {
        var clock = new TestClock();
        using var limiter = new ClockWindowLimiter(clock, 2, TimeSpan.FromHours(1), "too many");

        using (var check = limiter.AttemptAcquire(0))
        {
            check.IsAcquired.ShouldBeTrue();
        }

        // Idle, so a partitioned limiter drops it: an address that is only checked keeps no counter.
        limiter.IdleDuration.ShouldNotBeNull();
    }

    [Fact]
    public void Permits_past_the_limit_are_refused_with_the_time_left_until_the_window_ends()
    {
        var clock = new TestClock();
        using var limiter = new ClockWindowLimiter(clock, 1, TimeSpan.FromMinutes(1), "too many");
        limiter.AttemptAcquire().IsAcquired.ShouldBeTrue();
        clock.Advance(TimeSpan.FromSeconds(40));

        using var refused = limiter.AttemptAcquire();
        using var check = limiter.AttemptAcquire(0);

        refused.IsAcquired.ShouldBeFalse();
        refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
        ((TimeSpan)retryAfter!).TotalSeconds.ShouldBeInRange(19, 20); // the test clock runs on from the real one
        check.IsAcquired.ShouldBeFalse();
        limiter.IdleDuration.ShouldBeNull();
    }
}
