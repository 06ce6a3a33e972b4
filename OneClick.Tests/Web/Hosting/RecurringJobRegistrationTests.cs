using Npgsql;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Hosting;

/// <summary>
/// The nodes of a PostgreSQL gateway share Hangfire's locks, which are rows their holder deletes: a
/// node killed while it held one (the outbox sweep's is taken every second) leaves the row behind.
/// A node started meanwhile must start, and the jobs must not wait ten minutes (Hangfire.PostgreSql's
/// default) for the row to lapse.
/// </summary>
public sealed class RecurringJobRegistrationTests : IAsyncLifetime
{
    private const string SweepLock = "hangfire:lock:recurring-job:outbox-sweep";
    private const string Schedule = "*/7 * * * * *";
    private readonly DatabaseOfItsOwn database = new("oneclick_jobs_");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => database.DropAsync();

    [PostgreSqlFact]
    public async Task Lock_a_dead_node_left_holds_no_start_and_the_job_is_set_once_the_lock_is_gone()
    {
        await database.CreateAsync();
        await ExecuteAsync($"INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('{SweepLock}', 0, now())");
        await using var gateway = OnTheDatabase(new GatewayFactory());

        // Started, after Hangfire's own wait for the lock, and answering.
        using var client = gateway.CreateClient();
        (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await SweepScheduleAsync()).ShouldNotBe(Schedule, "the lock was held: the job could not be set yet");

        // The dead node's row goes (as it would once 30 s old): the node sets the job on its next try.
        await ExecuteAsync($"DELETE FROM hangfire.lock WHERE resource = '{SweepLock}'");
        await GatewayFactory.EventuallyAsync(async () => await SweepScheduleAsync() == Schedule, "the sweep is set to the configured schedule", TimeSpan.FromSeconds(30));
    }

    [PostgreSqlFact]
    public async Task Lock_left_31_seconds_ago_is_taken_over_at_start()
    {
        await database.CreateAsync();
        await ExecuteAsync($"INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('{SweepLock}', 0, now() - interval '31 seconds')");
        await using var gateway = OnTheDatabase(new GatewayFactory());

        // Started: the hosted services' StartAsync has run.
        _ = gateway.Services;

        (await SweepScheduleAsync()).ShouldBe(Schedule, "a lock older than 30 s is a dead node's, taken over at once");
    }

    private GatewayFactory OnTheDatabase(GatewayFactory gateway) => gateway
        .Set("OneClick:Database:Provider", "PostgreSql")
        .Set("OneClick:Database:ConnectionString", database.ConnectionString)
        .Set("OneClick:MasterKey", TestDatabase.SharedMasterKey)
        .Set("OneClick:Jobs:Schedules:outbox-sweep", Schedule);

    private async Task<string?> SweepScheduleAsync()
    {
        await using var connection = TestDatabase.UnpooledConnection(database.Name);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM hangfire.hash WHERE key = 'recurring-job:outbox-sweep' AND field = 'Cron'", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = TestDatabase.UnpooledConnection(database.Name);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
