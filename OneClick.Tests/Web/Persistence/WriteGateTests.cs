using Microsoft.Data.Sqlite;
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
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = WriteAsync("first", whileInside: async () =>
        {
            inside.SetResult();
            await release.Task;
        });
        await inside.Task;

        var queued = new[]
        {
            WriteAsync("second"),
            WriteAsync("first"), // the same key again: refused by the table, inside the shared transaction
            WriteAsync("third"),
            WriteAsync("fourth", whileInside: () => throw new InvalidOperationException("refused after its write")),
            WriteAsync("fifth"),
        };
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 6), "five turns queued behind the first");
        Rows().ShouldBeEmpty(); // nothing is committed while the first turn writes
        release.SetResult();

        var results = await Task.WhenAll(queued.Prepend(first).Select(Outcome));

        results.ShouldBe(["committed", "committed", "failed: SqliteException", "committed", "failed: InvalidOperationException", "committed"]);
        Rows().ShouldBe(["fifth", "first", "second", "third"], ignoreOrder: true);
        var (commits, turns) = gate.CommitCounts;
        (commits - commitsBefore).ShouldBe(1);
        (turns - turnsBefore).ShouldBe(4);
    }

    [Fact]
    public async Task Caller_hears_of_its_commit_only_when_another_connection_can_read_it()
    {
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = WriteAsync("holder", whileInside: async () =>
        {
            inside.SetResult();
            await release.Task;
        });
        await inside.Task;
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
    public async Task Commit_carries_16_turns_at_most()
    {
        var (commitsBefore, turnsBefore) = gate.CommitCounts;
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = WriteAsync("holder", whileInside: async () =>
        {
            inside.SetResult();
            await release.Task;
        });
        await inside.Task;
        var others = Enumerable.Range(1, 39).Select(n => WriteAsync("w" + n)).ToList();
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(gate.Queued == 40), "39 turns queued");

        release.SetResult();
        await Task.WhenAll(others.Append(first));

        Rows().Count.ShouldBe(40);
        var (commits, turns) = gate.CommitCounts;
        (turns - turnsBefore).ShouldBe(40);
        (commits - commitsBefore).ShouldBe(3); // 16 + 16 + 8
    }

    [Fact]
    public async Task Turns_fired_in_parallel_all_land_in_fewer_commits_than_turns()
    {
        var (commitsBefore, turnsBefore) = gate.CommitCounts;

        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => Task.Run(() => WriteAsync("p" + n))));

        Rows().Count.ShouldBe(200);
        var (commits, turns) = gate.CommitCounts;
        (turns - turnsBefore).ShouldBe(200);
        (commits - commitsBefore).ShouldBeInRange(13, 200); // 200 / 16 at best, one each at worst
    }

    private async Task WriteAsync(string name, Func<Task>? whileInside = null)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        await using var turn = await gate.BeginAsync(db, CancellationToken.None);
        await db.Database.ExecuteSqlAsync($"INSERT INTO GateProbe (Name) VALUES ({name})");
        if (whileInside is not null)
        {
            await whileInside();
        }

        await turn.CommitAsync(CancellationToken.None);
    }

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
    private List<string> Rows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.DataDirectory, "oneclick.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Name FROM GateProbe";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
