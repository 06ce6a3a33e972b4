using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// A context's connection stays open between its queries, while it waits in the pool and while the
/// context writes on the gate's writer, so that its statements stay prepared; a connection left in a
/// transaction is closed (rolled back) instead. A private pool of one context makes each rental the
/// same context.
/// </summary>
public sealed class KeptConnectionTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [SqliteTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Context_back_from_the_pool_reads_on_the_same_open_connection_with_its_statements(bool disposedSynchronously)
    {
        var pool = Pool();
        var statements = gateway.Services.GetRequiredService<KeptStatements>();
        var db = await pool.CreateDbContextAsync();
        await db.Shops.AsNoTracking().CountAsync();
        var first = db.Database.GetDbConnection();
        if (disposedSynchronously)
        {
            db.Dispose(); // EF Core resets a pooled context by another path when disposed synchronously
        }
        else
        {
            await db.DisposeAsync();
        }

        first.State.ShouldBe(ConnectionState.Open);
        var reused = statements.ReusedOn(first);
        await using (var again = await pool.CreateDbContextAsync())
        {
            again.Database.GetDbConnection().ShouldBeSameAs(first);
            await again.Shops.AsNoTracking().CountAsync();
        }

        (statements.ReusedOn(first) - reused).ShouldBe(1);
    }

    [SqliteFact]
    public async Task Connection_left_in_a_transaction_is_closed_when_the_context_goes_back_and_writes_nothing()
    {
        var pool = Pool();
        DbConnection connection;
        await using (var db = await pool.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE LeftOpen (Name TEXT NOT NULL)");
            connection = db.Database.GetDbConnection();
            // Begun on the connection itself, so EF Core knows nothing of it and does not end it.
            var transaction = ((SqliteConnection)connection).BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO LeftOpen (Name) VALUES ('never')";
            await insert.ExecuteNonQueryAsync();
        }

        connection.State.ShouldBe(ConnectionState.Closed);
        DatabaseFile.FirstColumn(gateway.DataDirectory, "SELECT COUNT(*) FROM LeftOpen").ShouldBe(["0"]);
        await using (var db = await pool.CreateDbContextAsync())
        {
            (await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM LeftOpen").SingleAsync()).ShouldBe(0);
        }
    }

    [SqliteFact]
    public async Task Connection_with_a_reader_left_stepping_is_closed_twice_over_and_its_statements_dropped_each_time()
    {
        var pool = Pool();
        var statements = gateway.Services.GetRequiredService<KeptStatements>();
        for (var round = 1; round <= 2; round++)
        {
            DbConnection connection;
            await using (var db = await pool.CreateDbContextAsync())
            {
                (await db.Shops.AsNoTracking().CountAsync()).ShouldBeGreaterThan(0);
                connection = db.Database.GetDbConnection();
                statements.CountOn(connection).ShouldBeGreaterThan(0);
                // A reader nobody disposed: its statement holds a read snapshot until it is reset.
                var command = connection.CreateCommand();
                command.CommandText = "SELECT Id FROM Shops";
                var reader = await command.ExecuteReaderAsync();
                (await reader.ReadAsync()).ShouldBeTrue();
            }

            connection.State.ShouldBe(ConnectionState.Closed);
            statements.CountOn(connection).ShouldBe(0);
        }

        await using (var db = await pool.CreateDbContextAsync())
        {
            (await db.Shops.AsNoTracking().CountAsync()).ShouldBeGreaterThan(0); // prepared again on the reopened connection
        }
    }

    [SqliteFact]
    public async Task Context_reads_on_its_own_open_connection_again_after_a_write_turn()
    {
        var pool = Pool();
        var gate = gateway.Services.GetRequiredService<WriteGate>();
        await using var db = await pool.CreateDbContextAsync();
        await db.Shops.AsNoTracking().CountAsync();
        var own = db.Database.GetDbConnection();

        await using (var turn = await gate.BeginAsync(db, CancellationToken.None))
        {
            db.Database.GetDbConnection().ShouldNotBeSameAs(own);
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE AfterTurn (Name TEXT NOT NULL)");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO AfterTurn (Name) VALUES ('written')");
            await turn.CommitAsync(CancellationToken.None);
        }

        db.Database.GetDbConnection().ShouldBeSameAs(own);
        own.State.ShouldBe(ConnectionState.Open);
        (await db.Database.SqlQueryRaw<string>("SELECT Name AS Value FROM AfterTurn").SingleAsync()).ShouldBe("written");
    }

    [SqliteFact]
    public async Task Twenty_contexts_in_parallel_each_read_on_a_connection_of_their_own()
    {
        var pool = new PooledDbContextFactory<OneClickDbContext>(gateway.Services.GetRequiredService<DbContextOptions<OneClickDbContext>>(), poolSize: 20);
        var arrived = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connections = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await using var db = await pool.CreateDbContextAsync();
            await db.Shops.AsNoTracking().CountAsync();
            // Each holds its context until all 20 have read: none can hand its connection to another.
            if (Interlocked.Increment(ref arrived) == 20)
            {
                allRead.SetResult();
            }

            await allRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await db.Shops.AsNoTracking().CountAsync();
            return db.Database.GetDbConnection();
        })));

        connections.Distinct(ReferenceEqualityComparer.Instance).Count().ShouldBe(20);
    }

    private PooledDbContextFactory<OneClickDbContext> Pool() =>
        new(gateway.Services.GetRequiredService<DbContextOptions<OneClickDbContext>>(), poolSize: 1);
}
