using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using Quartz;

namespace OneClick.Tests.Web.Hosting;

public sealed class SchedulingTests
{
    [Fact]
    public async Task Scheduler_keeps_jobs_in_its_own_sqlite_file_across_restarts()
    {
        string dataDirectory;
        var key = new JobKey("probe", "tests");
        using (var first = new GatewayFactory())
        {
            dataDirectory = first.DataDirectory;
            var scheduler = await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var metadata = await scheduler.GetMetadata();
            metadata.JobStorePersistent.ShouldBeTrue();
            await scheduler.ScheduleJob(
                JobBuilder.Create<ProbeJob>().WithIdentity(key).Build(),
                TriggerBuilder.Create().StartAt(DateTimeOffset.UtcNow.AddDays(1)).Build());

            // Keep the folder: the second gateway starts on it, as after a restart.
            first.KeepDataDirectory = true;
        }

        File.Exists(Path.Combine(dataDirectory, "scheduler.db")).ShouldBeTrue();
        using var second = GatewayFactory.RestartedOn(dataDirectory);
        var restarted = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await restarted.Exists(key)).ShouldBeTrue();
    }

    private sealed class ProbeJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
