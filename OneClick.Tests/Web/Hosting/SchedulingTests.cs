using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Hosting;

/// <summary>Hangfire as the gateway's job engine (decision 027): the table of recurring jobs, their settings, and what a start does.</summary>
public sealed class SchedulingTests
{
    [Fact]
    public void Recurring_jobs_are_the_tables_with_their_default_schedules()
    {
        using var gateway = new GatewayFactory();
        // The defaults, not the test gateway's: the settings that changed them are taken away.
        foreach (var job in Scheduling.RecurringJobs)
        {
            gateway.Unset($"OneClick:Jobs:Schedules:{job.Id}");
        }

        using var connection = gateway.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);

        jobs.ShouldBe(new Dictionary<string, string>
        {
            ["outbox-sweep"] = "*/15 * * * * *",
            ["token-expiry"] = "*/15 * * * *",
            ["payment-link-expiry"] = "* * * * *",
            ["abandoned-challenges"] = "*/5 * * * *",
            ["idempotency-key-purge"] = "17 * * * *",
        }, ignoreOrder: true);
        gateway.Logs.Lines.ShouldContain(l => l.Contains("Jobs: Hangfire on InMemory storage, 3 workers", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_schedule_replaces_the_default()
    {
        using var gateway = new GatewayFactory();
        gateway.Set("OneClick:Jobs:Schedules:token-expiry", "0 3 * * *");

        using var connection = gateway.Services.GetRequiredService<JobStorage>().GetConnection();

        connection.GetRecurringJobs().Single(j => j.Id == "token-expiry").Cron.ShouldBe("0 3 * * *");
    }

    [Theory]
    [InlineData("OneClick:Jobs:Schedules:token-expiry", "every hour", "OneClick:Jobs:Schedules:token-expiry is 'every hour', not a cron expression")]
    [InlineData("OneClick:Jobs:Schedules:token-expiry", "99 * * * *", "OneClick:Jobs:Schedules:token-expiry is '99 * * * *', which is not a valid cron expression")]
    [InlineData("OneClick:Jobs:Schedules:token-expiri", "* * * * *", "OneClick:Jobs:Schedules:token-expiri names no recurring job")]
    [InlineData("OneClick:Jobs:WorkerCount", "0", "OneClick:Jobs:WorkerCount is 0: give 1 to 20.")]
    [InlineData("OneClick:Jobs:PollingInterval", "00:00:00", "OneClick:Jobs:PollingInterval is 00:00:00")]
    [InlineData("OneClick:Jobs:RetryDelays:0", "00:00:00", "OneClick:Jobs:RetryDelays: give at most 5 waits")]
    public void Wrong_job_setting_stops_the_start_and_says_what_to_fix(string key, string value, string message)
    {
        using var gateway = new GatewayFactory();
        gateway.Set(key, value);

        var refused = Should.Throw<Exception>(() => gateway.Services);

        Flatten(refused).ShouldContain(e => e.Message.Contains(message, StringComparison.Ordinal), $"the start should say: {message}");
    }

    [Fact]
    public void Data_folder_of_the_quartz_stand_in_loses_its_scheduler_db_at_start()
    {
        using var folder = new TemporaryFolder("quartz");
        File.WriteAllText(Path.Combine(folder.Path, "scheduler.db"), "Quartz's triggers");
        File.WriteAllText(Path.Combine(folder.Path, "scheduler.db-wal"), "");

        using var gateway = GatewayFactory.RestartedOn(folder.Path);
        gateway.KeepDataDirectory = true;
        _ = gateway.Services;

        File.Exists(Path.Combine(folder.Path, "scheduler.db")).ShouldBeFalse();
        File.Exists(Path.Combine(folder.Path, "scheduler.db-wal")).ShouldBeFalse();
        gateway.Logs.Lines.ShouldContain(l => l.Contains("The retired Quartz job store (scheduler.db) held only schedules: removed", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateways_in_one_process_keep_their_own_job_stores()
    {
        using var first = new GatewayFactory();
        using var second = new GatewayFactory();

        var stores = new[] { first, second }.Select(g => g.Services.GetRequiredService<JobStorage>()).ToList();

        stores[0].ShouldNotBeSameAs(stores[1]);
        first.Services.GetRequiredService<IOptions<JobOptions>>().Value.Storage.ShouldBe(JobStorageKind.InMemory);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
