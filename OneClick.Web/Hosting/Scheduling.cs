using System.Linq.Expressions;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using OneClick.Web.Features.Api.Commands;
using OneClick.Web.Features.Checkout.Payments;
using OneClick.Web.Features.Postbacks.Commands;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets.Commands;
using OneClick.Web.Persistence;

namespace OneClick.Web.Hosting;

/// <summary>
/// Hangfire runs the recurring work (decision 027). Every job is one command, called in a scope of
/// its own; the outbox and the product's tables hold every durable fact, so the job store holds only
/// schedules and history.
/// </summary>
public static class Scheduling
{
    /// <summary>The recurring jobs: id (as the dashboard shows it), default schedule (cron, UTC), and the command it calls.</summary>
    public static readonly IReadOnlyList<RecurringCommand> RecurringJobs =
    [
        // Retries that came due, what a crash or restart left pending, refunds to ask again: the
        // dispatcher sends them. Seconds matter here: a retry is due 1 minute after a failure. Its
        // queue comes first, so that a long run of another job never holds it back.
        RecurringCommand.Calls<SweepOutbox>(OutboxSweep, "*/15 * * * * *", c => c.RunAsync(CancellationToken.None), OutboxQueue),
        RecurringCommand.Calls<ExpireTokens>("token-expiry", "*/15 * * * *", c => c.RunAsync(CancellationToken.None)),
        RecurringCommand.Calls<ExpirePaymentLinks>("payment-link-expiry", "* * * * *", c => c.RunAsync(CancellationToken.None)),
        RecurringCommand.Calls<GiveUpAbandonedChallenges>("abandoned-challenges", "*/5 * * * *", c => c.RunAsync(CancellationToken.None)),
        RecurringCommand.Calls<ForgetIdempotencyKeys>("idempotency-key-purge", "17 * * * *", c => c.RunAsync(CancellationToken.None)),
    ];

    /// <summary>The outbox sweep's id: the Postbacks page warns while its last run has failed.</summary>
    public const string OutboxSweep = "outbox-sweep";

    /// <summary>The outbox sweep's queue, fetched before <see cref="DefaultQueue"/>.</summary>
    public const string OutboxQueue = "outbox";

    public const string DefaultQueue = "default";

    /// <summary>This node's job server's name (Hangfire adds a unique part): the health check finds this node's server by it.</summary>
    public static string ServerName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidation>();

        // Per host, not Hangfire's process-wide defaults (JobStorage.Current, JobActivator.Current):
        // each gateway in one process (the tests start many) runs its jobs on its own store and services.
        services.AddSingleton<JobStorage>(sp => StorageFor(sp.GetRequiredService<IOptions<JobOptions>>().Value, sp.GetRequiredService<DatabaseOptions>()));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<RecurringJobHealth>();
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(
            new JobFilterCollection
            {
                RetriesOf(sp.GetRequiredService<IOptions<JobOptions>>().Value),
                new StatisticsHistoryAttribute(),
                new ContinuationsSupportAttribute(),
                sp.GetRequiredService<RecurringJobHealth>(),
                new JobRunMeter(sp.GetRequiredService<OneClickMetrics>()),
            },
            new JobFilterAttributeFilterProvider()));
        services.AddHangfire(_ => { });
        // Replaces AddHangfire's own, which would point the process-wide activator and log provider
        // at whichever host started last, disposed or not; only settings the same for all are global.
        services.AddSingleton(sp => HangfireLog.Process.Register(sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IGlobalConfiguration>(sp =>
        {
            sp.GetRequiredService<HangfireLog.Registration>();
            return ProcessWideSettings.Value;
        });
        services.AddHangfireServer((sp, server) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobOptions>>().Value;
            server.WorkerCount = jobs.WorkerCount;
            server.Queues = [OutboxQueue, DefaultQueue];
            server.SchedulePollingInterval = jobs.PollingInterval;
            server.ServerName = ServerName;
            server.ShutdownTimeout = TimeSpan.FromSeconds(5);
            server.Activator = sp.GetRequiredService<JobActivator>();
            server.FilterProvider = sp.GetRequiredService<IJobFilterProvider>();
        });
        services.AddHostedService<RecurringJobRegistration>();
        return services;
    }

    /// <summary>A failed run is tried again after each of the waits, then shows as failed (it is not deleted).</summary>
    private static AutomaticRetryAttribute RetriesOf(JobOptions options) => new()
    {
        Attempts = options.Delays.Count,
        DelaysInSeconds = [.. options.Delays.Select(d => (int)d.TotalSeconds)],
        OnAttemptsExceeded = AttemptsExceededAction.Fail,
    };

    private static readonly Lazy<IGlobalConfiguration> ProcessWideSettings = new(() =>
    {
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(HangfireLog.Process);
        return GlobalConfiguration.Configuration;
    });

    /// <summary>
    /// The one place that chooses the job store: the nodes of a PostgreSQL gateway share theirs in its
    /// database, whatever <see cref="JobOptions.Storage"/> says; one SQLite node keeps its in memory.
    /// </summary>
    public static JobStorage StorageFor(JobOptions options, DatabaseOptions database) => (database.IsPostgreSql ? JobStorageKind.PostgreSql : options.Storage) switch
    {
        // History is kept a day at most: the outbox's own attempts are the record that lasts.
        JobStorageKind.InMemory => new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromDays(1) }),
        JobStorageKind.PostgreSql when database.IsPostgreSql => PostgreSqlJobStorage(options, database),
        JobStorageKind.PostgreSql => throw new InvalidOperationException("OneClick:Jobs:Storage is PostgreSql, but the gateway's database is SQLite: the job store lives in the gateway's PostgreSQL database (OneClick:Database:Provider=PostgreSql)."),
        _ => throw new InvalidOperationException($"OneClick:Jobs:Storage '{options.Storage}' is not known here."),
    };

    private static PostgreSqlStorage PostgreSqlJobStorage(JobOptions options, DatabaseOptions database)
    {
        var storage = new PostgreSqlStorageOptions
        {
            SchemaName = PostgreSqlJobSchema,
            PrepareSchemaIfNecessary = true,
            // A queued run is fetched within the scheduler's own interval, as in memory.
            QueuePollInterval = options.PollingInterval,
            // A run held by a node that died is given to another after this long.
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            UseSlidingInvisibilityTimeout = true,
            // Hangfire's locks are rows that their holder deletes; a node killed while holding one
            // (the outbox sweep's scheduling lock is taken every second) leaves it behind until it is
            // this old. Its default, 10 minutes, stopped the sweep on every node, and a restarted
            // node's start, for that long; the locks are held for milliseconds.
            DistributedLockTimeout = DistributedLockLifetime,
        };
        var connectionString = PersistenceServiceCollectionExtensions.PostgreSqlConnectionString(database.ConnectionString);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storage), storage);
    }

    /// <summary>The schema of Hangfire's own tables in the gateway's PostgreSQL database.</summary>
    public const string PostgreSqlJobSchema = "hangfire";

    /// <summary>How old a Hangfire lock left by a node that died may be before another node takes it.</summary>
    public static readonly TimeSpan DistributedLockLifetime = TimeSpan.FromSeconds(30);
}

/// <summary>One row of <see cref="Scheduling.RecurringJobs"/>.</summary>
public sealed record RecurringCommand(string Id, string Cron, Type Command, Action<IRecurringJobManager, string> Register)
{
    public static RecurringCommand Calls<TCommand>(string id, string cron, Expression<Func<TCommand, Task>> run, string queue = Scheduling.DefaultQueue)
        where TCommand : notnull =>
        new(id, cron, typeof(TCommand), (manager, schedule) => manager.AddOrUpdate(id, queue, run, schedule, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc }));
}
