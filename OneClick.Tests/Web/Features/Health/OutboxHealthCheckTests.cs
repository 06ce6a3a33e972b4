using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneClick.Web.Features.Health;

namespace OneClick.Tests.Web.Features.Health;

/// <summary>The outbox check's thresholds (<see cref="HealthOptions"/>): their defaults, where each status starts, and settings refused.</summary>
public sealed class OutboxHealthCheckTests
{
    [Fact]
    public void Defaults_warn_over_100_due_fail_over_1000_and_warn_when_one_waited_over_5_minutes()
    {
        var options = new HealthOptions();

        options.OutboxBacklogWarning.ShouldBe(100);
        options.OutboxBacklogLimit.ShouldBe(1000);
        options.OldestDueWarning.ShouldBe(TimeSpan.FromMinutes(5));
        options.Problems().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0, 0, 0, 0, HealthStatus.Healthy)]
    [InlineData(100, 0, 0, 0, HealthStatus.Healthy)]
    [InlineData(60, 30, 10, 0, HealthStatus.Healthy)]
    [InlineData(101, 0, 0, 0, HealthStatus.Degraded)]
    [InlineData(60, 30, 11, 0, HealthStatus.Degraded)]
    [InlineData(1000, 0, 0, 0, HealthStatus.Degraded)]
    [InlineData(1001, 0, 0, 0, HealthStatus.Unhealthy)]
    [InlineData(0, 0, 1001, 0, HealthStatus.Unhealthy)]
    [InlineData(1, 0, 0, 300, HealthStatus.Healthy)]
    [InlineData(1, 0, 0, 301, HealthStatus.Degraded)]
    [InlineData(1001, 0, 0, 301, HealthStatus.Unhealthy)]
    public void StatusBy_counts_postbacks_emails_and_refunds_together_against_the_thresholds(int postbacks, int emails, int refunds, int oldestSeconds, HealthStatus expected)
    {
        var backlog = new OutboxBacklog(postbacks, emails, refunds, TimeSpan.FromSeconds(oldestSeconds));

        backlog.StatusBy(new HealthOptions()).ShouldBe(expected);
    }

    [Fact]
    public void StatusBy_follows_configured_thresholds()
    {
        var options = new HealthOptions { OutboxBacklogWarning = 1, OutboxBacklogLimit = 3, OldestDueWarning = TimeSpan.FromSeconds(30) };

        new OutboxBacklog(1, 0, 0, TimeSpan.Zero).StatusBy(options).ShouldBe(HealthStatus.Healthy);
        new OutboxBacklog(2, 0, 0, TimeSpan.Zero).StatusBy(options).ShouldBe(HealthStatus.Degraded);
        new OutboxBacklog(3, 0, 0, TimeSpan.Zero).StatusBy(options).ShouldBe(HealthStatus.Degraded);
        new OutboxBacklog(4, 0, 0, TimeSpan.Zero).StatusBy(options).ShouldBe(HealthStatus.Unhealthy);
        new OutboxBacklog(1, 0, 0, TimeSpan.FromSeconds(31)).StatusBy(options).ShouldBe(HealthStatus.Degraded);
    }

    [Fact]
    public void Problems_name_a_limit_below_the_warning_a_negative_warning_and_no_wait()
    {
        var options = new HealthOptions { OutboxBacklogWarning = -1, OutboxBacklogLimit = -2, OldestDueWarning = TimeSpan.Zero };

        options.Problems().ShouldBe(
        [
            "OneClick:Health:OutboxBacklogWarning is -1: give 0 or more.",
            "OneClick:Health:OutboxBacklogLimit is -2, below OutboxBacklogWarning (-1): give at least as many.",
            "OneClick:Health:OldestDueWarning is 00:00:00: give a time above zero, e.g. 00:05:00.",
        ]);
    }
}
