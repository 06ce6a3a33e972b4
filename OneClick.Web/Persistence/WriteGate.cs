using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

/// <summary>
/// SQLite has one writer at a time. The hot writers (payments, postback results, new orders) take
/// turns here, in arrival order and without holding a thread, instead of finding the database locked
/// and sleeping in SQLite's busy handler (1, 2, 5, 10 ms...), which under load made purchases wait far
/// longer than their writes take. Keep what runs inside short and local: no HTTP call, no acquirer
/// call. Not re-entrant: a turn taken inside another turn waits for ever.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Never disposed: a request still in its turn while the host shuts down must be able to give it back; no wait handle is used.")]
public sealed class WriteGate
{
    private readonly SemaphoreSlim turn = new(1, 1);

    /// <summary>Waits for this process's turn to write, then begins the transaction (BEGIN IMMEDIATE).</summary>
    public async Task<WriteTurn> BeginAsync(DbContext db, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            return new WriteTurn(await db.Database.BeginTransactionAsync(cancellationToken), turn);
        }
        catch
        {
            turn.Release();
            throw;
        }
    }

    /// <summary>One SaveChanges in its own turn: for a hot writer that has nothing else to do in the transaction.</summary>
    public async Task<int> SaveChangesAsync(DbContext db, CancellationToken cancellationToken)
    {
        await using var write = await BeginAsync(db, cancellationToken);
        var saved = await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return saved;
    }
}

/// <summary>A write transaction that gives the turn back when disposed, committed or not (rolled back then).</summary>
public sealed class WriteTurn(IDbContextTransaction transaction, SemaphoreSlim turn) : IAsyncDisposable
{
    private int released;

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
