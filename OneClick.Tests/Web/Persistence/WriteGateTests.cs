using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// Group commit (decision 022): turns queued behind one another share one transaction and one
/// commit; each turn is undone alone by its savepoint when it fails, and no caller hears of its
/// write before the shared commit is on disk.
/// </summary>
public sealed class WriteGateTests : IAsyncLifetime, IDisposable
{
    private readonly GatewayFactory gateway = new();
    private WriteGate gate = default!;

    public async Task InitializeAsync()
    {
        gate = gateway.Services.GetRequiredService<WriteGate>();
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE GateProbe (Name TEXT NOT NULL PRIMARY KEY)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Turns_queued_behind_a_turn_share_its_commit_and_a_failed_one_is_undone_alone()
    {
        var (commitsBefore, turnsBefore) = gate.CommitCounts;
        var (first, release) = await HoldTurnAsync("first");

        var queued = new[]
        {
            WriteAsync("second"),
            WriteAsync("first"), // the same key again: refused by the table, inside the shared transaction
            WriteAsync("third"),
            WriteAsync("fourth", whileInside: _ => throw new InvalidOperationException("refused after its write")),
            WriteAsync("fifth"),
        };
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 6), "five turns queued behind the first");
        Rows().ShouldBeEmpty(); // nothing is committed while the first turn writes
        release.SetResult();

        var results = await Task.WhenAll(queued.Prepend(first).Select(Outcome));

        var refusedByTable = TestDatabase.IsPostgreSql ? "failed: PostgresException" : "failed: SqliteException";
        results.ShouldBe(["committed", "committed", refusedByTable, "committed", "failed: InvalidOperationException", "committed"]);
        Rows().ShouldBe(["fifth", "first", "second", "third"], ignoreOrder: true);
        var (commits, turns) = gate.CommitCounts;
        (commits - commitsBefore).ShouldBe(1);
        (turns - turnsBefore).ShouldBe(4);
    }

    [Fact]
    public async Task Caller_reads_its_write_on_another_connection_the_moment_CommitAsync_returns()
    {
        var (first, release) = await HoldTurnAsync("holder");
        var writers = Enumerable.Range(1, 10).Select(async n =>
        {
            await WriteAsync("w" + n);
            return Rows().Contains("w" + n); // read on a connection of its own, right after CommitAsync returned
        }).ToList();
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 11), "ten turns queued");

        release.SetResult();
        await first;

        (await Task.WhenAll(writers)).ShouldAllBe(visible => visible);
    }

    [Fact]
    public async Task Commit_carries_32_turns_at_most()
    {
        var (commitsBefore, turnsBefore) = gate.CommitCounts;
        var (first, release) = await HoldTurnAsync("holder");
        var others = Enumerable.Range(1, 69).Select(n => WriteAsync("w" + n)).ToList();
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 70), "69 turns queued");

        release.SetResult();
        await Task.WhenAll(others.Append(first));

        Rows().Count.ShouldBe(70);
        var (commits, turns) = gate.CommitCounts;
        (turns - turnsBefore).ShouldBe(70);
        (commits - commitsBefore).ShouldBe(3); // 32 + 32 + 6
    }

    [Fact]
    public async Task Turns_fired_in_parallel_all_land_once()
    {
        var (_, turnsBefore) = gate.CommitCounts;

        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => Task.Run(() => WriteAsync("p" + n))));

        Rows().Count.ShouldBe(200);
        (gate.CommitCounts.Turns - turnsBefore).ShouldBe(200);
        gate.Queued.ShouldBe(0);
    }

    [SqliteFact]
    public async Task Transaction_that_SQLite_rolled_back_by_itself_fails_its_kept_turns_and_the_next_turn_starts_afresh()
    {
        var (first, release) = await HoldTurnAsync("kept");
        // SQLite rolls a transaction back by itself on a full disk or an I/O error: a ROLLBACK does the same here.
        var broken = WriteAsync("lost", whileInside: async db =>
        {
            await db.Database.ExecuteSqlRawAsync("ROLLBACK");
            throw new IOException("disk full");
        });
        var next = WriteAsync("after");
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 3), "two turns queued behind the first");

        release.SetResult();

        (await Outcome(first)).ShouldBe("failed: InvalidOperationException");
        (await Outcome(broken)).ShouldStartWith("failed: ");
        (await Outcome(next)).ShouldBe("committed");
        Rows().ShouldBe(["after"]);
        gate.Queued.ShouldBe(0);
    }

    [Fact]
    public async Task Context_after_its_turns_reads_and_writes_on_a_connection_of_its_own()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        System.Data.Common.DbConnection? writer = null;
        for (var i = 1; i <= 2; i++)
        {
            await using (var turn = await gate.BeginAsync(db, CancellationToken.None))
            {
                writer = db.Database.GetDbConnection();
                await db.Database.ExecuteSqlAsync($"INSERT INTO GateProbe (Name) VALUES ({"t" + i})");
                await turn.CommitAsync(CancellationToken.None);
            }

            db.Database.GetDbConnection().ShouldNotBeSameAs(writer);
            db.Database.CurrentTransaction.ShouldBeNull();
            (await db.Database.SqlQueryRaw<string>("SELECT Name AS Value FROM GateProbe").ToListAsync()).Count.ShouldBe(i);
        }

        writer!.State.ShouldBe(System.Data.ConnectionState.Open); // the gate's, still open for the next turn
    }

    /// <summary>A turn that has written <paramref name="name"/> and stays in the gate until released: the others queue behind it.</summary>
    private async Task<(Task Write, TaskCompletionSource Release)> HoldTurnAsync(string name)
    {
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var write = WriteAsync(name, whileInside: async _ =>
        {
            inside.SetResult();
            await release.Task;
        });
        await inside.Task;
        return (write, release);
    }

    private Task WriteAsync(string name, Func<OneClickDbContext, Task>? whileInside = null) =>
        gateway.InWriteTurnAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO GateProbe (Name) VALUES ({name})");
            if (whileInside is not null)
            {
                await whileInside(db);
            }
        });

    private static async Task<string> Outcome(Task write)
    {
        try
        {
            await write;
            return "committed";
        }
        catch (Exception ex)
        {
            return "failed: " + ex.GetType().Name;
        }
    }

    /// <summary>What is committed, read on a connection of the test's own.</summary>
    private List<string> Rows() => DatabaseFile.FirstColumn(gateway.DataDirectory, "SELECT Name FROM GateProbe", quoteNames: false);
}
