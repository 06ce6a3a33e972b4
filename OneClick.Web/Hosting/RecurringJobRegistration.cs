using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Microsoft.Extensions.Options;

namespace OneClick.Web.Hosting;

/// <summary>
/// Sets every recurring job to the table's schedule (or the configured one) at start, and removes
/// jobs the table no longer has. Setting a job takes Hangfire's lock on it, and the nodes of a
/// PostgreSQL gateway share those locks: one that a killed node held stays taken until it is
/// <see cref="Scheduling.DistributedLockLifetime"/> old. A node restarted meanwhile starts and takes
/// payments all the same (the schedules already in the store go on running) and sets the jobs when
/// the lock is free, trying again every <see cref="RetryInterval"/>.
/// </summary>
internal sealed class RecurringJobRegistration(
    IRecurringJobManager manager,
    JobStorage storage,
    IOptions<JobOptions> options,
    DataDirectory dataDirectory,
    TimeProvider clock,
    ILogger<RecurringJobRegistration> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource stopping = new();
    private Task retrying = Task.CompletedTask;
    private bool disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RemoveQuartzStore();
        var jobs = options.Value;
        if (!TrySetAll(jobs, out var held))
        {
            logger.LogWarning(
                held,
                "Recurring jobs not set yet: a lock on them is held, by another node or one that stopped without giving it back; the schedules in the job store run meanwhile, and this node tries again every {Interval}",
                RetryInterval);
            retrying = RetryAsync(jobs, stopping.Token);
        }

        logger.LogInformation(
            "Jobs: Hangfire on {Storage} storage, {Workers} workers, polling every {Polling}; recurring: {Jobs}",
            jobs.Storage, jobs.WorkerCount, jobs.PollingInterval,
            string.Join(", ", Scheduling.RecurringJobs.Select(j => $"{j.Id} ({jobs.ScheduleOf(j)})")));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed))
        {
            return;
        }

        await stopping.CancelAsync();
        await retrying.WaitAsync(cancellationToken);
    }

    /// <summary>The container may be disposed before the host is stopped (a test's host): the retries end here then.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, true))
        {
            return;
        }

        stopping.Cancel();
        stopping.Dispose();
    }

    /// <summary>Whether every job is set and every stale one removed; false, with the lock's refusal, when a lock was held past its wait.</summary>
    private bool TrySetAll(JobOptions jobs, out Exception? held)
    {
        held = null;
        try
        {
            SetAll(jobs);
            return true;
        }
        catch (Exception ex) when (ex is DistributedLockTimeoutException or PostgreSqlDistributedLockException)
        {
            held = ex;
            return false;
        }
    }

    private void SetAll(JobOptions jobs)
    {
        foreach (var job in Scheduling.RecurringJobs)
        {
            try
            {
                job.Register(manager, jobs.ScheduleOf(job));
            }
            catch (ArgumentException ex) when (jobs.Schedules.ContainsKey(job.Id))
            {
                throw new InvalidOperationException(
                    $"OneClick:Jobs:Schedules:{job.Id} is '{jobs.ScheduleOf(job)}', which is not a valid cron expression " +
                    $"({ex.InnerException?.Message ?? ex.Message}): give five fields (minute hour day month weekday) or six with seconds first.", ex);
            }
        }

        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetAllItemsFromSet("recurring-jobs").Except(Scheduling.RecurringJobs.Select(j => j.Id)))
        {
            manager.RemoveIfExists(stale);
            logger.LogInformation("Recurring job {Id} is no longer scheduled: removed", stale);
        }
    }

    private async Task RetryAsync(JobOptions jobs, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RetryInterval, clock, cancellationToken);
                // Hangfire's lock calls block while they wait: off the request threads.
                if (await Task.Run(() => TrySetAll(jobs, out _), cancellationToken))
                {
                    logger.LogInformation("Recurring jobs set, once the lock on them was free");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>
    /// Quartz, the stand-in before Hangfire (decision 003), kept its triggers in scheduler.db. It
    /// held only schedules (the outbox held every postback), so a data folder from before loses
    /// nothing when the file goes.
    /// </summary>
    private void RemoveQuartzStore()
    {
        var removed = false;
        foreach (var file in new[] { "scheduler.db", "scheduler.db-wal", "scheduler.db-shm", "scheduler.db-journal" })
        {
            var path = dataDirectory.PathOf(file);
            if (File.Exists(path))
            {
                File.Delete(path);
                removed = true;
            }
        }

        if (removed)
        {
            logger.LogInformation("The retired Quartz job store (scheduler.db) held only schedules: removed");
        }
    }
}
