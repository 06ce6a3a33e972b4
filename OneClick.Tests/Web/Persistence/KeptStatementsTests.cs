using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// Statements EF Core runs stay prepared on the connections that stay open (the gate's writer, each
/// context's own): each SQL text is prepared once per connection, runs with the values of each call,
/// and one asked for again while its reader is still open runs on a command of its own.
/// </summary>
public sealed class KeptStatementsTests : IAsyncLifetime, IDisposable
{
    private readonly GatewayFactory gateway = new();
    private KeptStatements statements = default!;

    public async Task InitializeAsync()
    {
        statements = gateway.Services.GetRequiredService<KeptStatements>();
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE StatementProbe (Name TEXT NOT NULL PRIMARY KEY, At TEXT, Amount TEXT)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => gateway.Dispose();

    [SqliteFact]
    public async Task Same_statement_in_20_turns_is_kept_once_and_writes_each_turns_values()
    {
        var writer = await WriterAsync();
        await gateway.InWriteTurnAsync(db => InsertAsync(db, "warm-up"));
        var kept = statements.CountOn(writer);
        kept.ShouldBeGreaterThan(0); // the INSERT

        for (var i = 1; i <= 20; i++)
        {
            await gateway.InWriteTurnAsync(db => InsertAsync(db, "n" + i));
        }

        statements.CountOn(writer).ShouldBe(kept);
        var rows = DatabaseFile.FirstColumn(gateway.DataDirectory, "SELECT Name || '|' || At || '|' || Amount FROM StatementProbe WHERE Name <> 'warm-up' ORDER BY Name");
        rows.Count.ShouldBe(20);
        rows.ShouldContain("n7|2026-12-06 10:00:07|7.50");
        rows.ShouldContain("n20|2026-12-06 10:00:20|20.50");
    }

    [SqliteFact]
    public async Task Statement_asked_for_again_while_its_reader_is_open_runs_on_its_own()
    {
        await gateway.InWriteTurnAsync(async db =>
        {
            await InsertAsync(db, "a");
            await InsertAsync(db, "b");
        });

        var pairs = new List<string>();
        await gateway.InWriteTurnAsync(async db =>
        {
            // The outer query's reader stays open while the same SQL runs again inside it.
            await foreach (var outer in Names(db).AsAsyncEnumerable())
            {
                foreach (var inner in await Names(db).ToListAsync())
                {
                    pairs.Add(outer + inner);
                }
            }
        });

        pairs.ShouldBe(["aa", "ab", "ba", "bb"]);
    }

    [SqliteFact]
    public async Task Query_read_to_its_end_in_5_turns_runs_its_kept_statement_each_time()
    {
        await gateway.InWriteTurnAsync(db => InsertAsync(db, "r"));
        await gateway.InWriteTurnAsync(db => Names(db).ToListAsync());
        var writer = await WriterAsync();
        var (kept, reusedBefore) = (statements.CountOn(writer), statements.ReusedOn(writer));

        for (var i = 0; i < 5; i++)
        {
            await gateway.InWriteTurnAsync(async db => (await Names(db).ToListAsync()).ShouldBe(["r"]));
        }

        statements.CountOn(writer).ShouldBe(kept);
        (statements.ReusedOn(writer) - reusedBefore).ShouldBe(5); // freed when EF Core disposed each reader
    }

    [SqliteFact]
    public async Task Query_outside_the_turns_is_kept_on_the_contexts_own_connection_not_the_writers()
    {
        await gateway.InWriteTurnAsync(db => InsertAsync(db, "x"));
        var writer = await WriterAsync();
        var onWriter = statements.CountOn(writer);

        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        (await Outside(db).ToListAsync()).ShouldBe(["x-outside"]);
        var own = db.Database.GetDbConnection();
        var reusedBefore = statements.ReusedOn(own);
        for (var i = 0; i < 2; i++)
        {
            (await Outside(db).ToListAsync()).ShouldBe(["x-outside"]);
        }

        own.ShouldNotBeSameAs(writer);
        statements.CountOn(own).ShouldBeGreaterThan(0);
        (statements.ReusedOn(own) - reusedBefore).ShouldBe(2); // prepared by the first run
        statements.CountOn(writer).ShouldBe(onWriter);
    }

    [SqliteFact]
    public async Task Failed_statement_leaves_its_kept_command_usable()
    {
        await gateway.InWriteTurnAsync(db => InsertAsync(db, "dup"));

        await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => gateway.InWriteTurnAsync(db => InsertAsync(db, "dup")));
        await gateway.InWriteTurnAsync(db => InsertAsync(db, "after"));

        DatabaseFile.FirstColumn(gateway.DataDirectory, "SELECT Name FROM StatementProbe ORDER BY Name").ShouldBe(["after", "dup"]);
    }

    [SqliteFact]
    public void Reader_EF_Core_failed_to_take_is_closed_so_the_transaction_still_commits()
    {
        // An INSERT ... RETURNING stepped to its row is a write in progress: SQLite refuses COMMIT
        // while it is open. EF Core disposes only its own command when it fails after the execution
        // (a logger, a later interceptor), so the kept command's reader is closed on CommandFailed.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE T (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        var kept = new KeptStatements();
        kept.KeepForWriter(connection);
        using var transaction = connection.BeginTransaction();
        using var efCommand = connection.CreateCommand();
        efCommand.CommandText = "INSERT INTO T (Name) VALUES ($name) RETURNING Id";
        efCommand.Parameters.AddWithValue("$name", "a");

        var result = kept.ReaderExecuting(efCommand, null!, default);
        var reader = result.Result;
        reader.Read().ShouldBeTrue();
        kept.CommandFailed(efCommand, null!);

        reader.IsClosed.ShouldBeTrue();
        transaction.Commit();
        using var again = connection.CreateCommand();
        again.CommandText = efCommand.CommandText;
        again.Parameters.AddWithValue("$name", "b");
        using (var second = kept.ReaderExecuting(again, null!, default).Result)
        {
            second.Read().ShouldBeTrue();
        }

        kept.Reused.ShouldBe(1); // the kept command was free again
    }

    [SqliteFact]
    public void Statement_past_64_on_a_contexts_connection_pushes_out_the_least_recently_run()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        var kept = new KeptStatements();
        ((Microsoft.EntityFrameworkCore.Diagnostics.IDbConnectionInterceptor)kept).ConnectionOpened(connection, null!);
        for (var i = 0; i < 64; i++)
        {
            Scalar(kept, connection, i).ShouldBe(i);
        }

        Scalar(kept, connection, 0); // now the most recently run; "SELECT 1" the least
        kept.ReusedOn(connection).ShouldBe(1);

        Scalar(kept, connection, 64).ShouldBe(64);
        kept.CountOn(connection).ShouldBe(64);
        Scalar(kept, connection, 0);
        kept.ReusedOn(connection).ShouldBe(2); // still kept
        Scalar(kept, connection, 1).ShouldBe(1);
        kept.ReusedOn(connection).ShouldBe(2); // pushed out, prepared again
        kept.CountOn(connection).ShouldBe(64);
    }

    private static long Scalar(KeptStatements kept, Microsoft.Data.Sqlite.SqliteConnection connection, int value)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (long)kept.ScalarExecuting(command, null!, default).Result!;
    }

    /// <summary>The gate's writer connection, as a turn's context sees it.</summary>
    private async Task<System.Data.Common.DbConnection> WriterAsync()
    {
        System.Data.Common.DbConnection? writer = null;
        await gateway.InWriteTurnAsync(db =>
        {
            writer = db.Database.GetDbConnection();
            return Task.CompletedTask;
        });
        return writer!;
    }

    private static IQueryable<string> Outside(OneClickDbContext db) =>
        db.Database.SqlQueryRaw<string>("SELECT Name || '-outside' AS Value FROM StatementProbe");

    private static IQueryable<string> Names(OneClickDbContext db) =>
        db.Database.SqlQueryRaw<string>("SELECT Name AS Value FROM StatementProbe ORDER BY Name");

    private static Task<int> InsertAsync(OneClickDbContext db, string name)
    {
        var n = name.StartsWith('n') && int.TryParse(name[1..], out var number) ? number : 0;
        var at = new DateTime(2026, 12, 6, 10, 0, n, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var amount = (n + 0.5m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return db.Database.ExecuteSqlAsync($"INSERT INTO StatementProbe (Name, At, Amount) VALUES ({name}, {at}, {amount})");
    }
}
