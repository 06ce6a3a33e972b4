using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace OneClick.Web.Persistence;

/// <summary>The transaction that the turns queued together share, and the callers waiting for its commit.</summary>
internal sealed class SharedCommit(DbTransaction transaction)
{
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>Turns that ended in it, failed ones included.</summary>
    public int Turns { get; set; }

    /// <summary>The contexts whose turns succeeded: told of the commit (shop snapshots).</summary>
    public List<DbContext> Contexts { get; } = [];

    /// <summary>A turn could not be undone alone: the whole transaction is rolled back and its callers told.</summary>
    public bool Doomed { get; private set; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Undoes one turn's writes; if SQLite cannot, the whole commit is doomed rather than keep them.</summary>
    public void Undo(string savepoint)
    {
        try
        {
            Transaction.Rollback(savepoint);
            Transaction.Release(savepoint);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            Doomed = true;
        }
    }
}

/// <summary>
/// One caller's part of a shared commit. <see cref="CommitAsync"/> keeps the part and returns once
/// the shared transaction is on disk; disposing without it undoes this part alone.
/// </summary>
public sealed class WriteTurn : IAsyncDisposable
{
    private readonly WriteGate gate;
    private readonly DbContext db;
    private readonly SharedCommit commit;
    private readonly string savepoint;
    private readonly Activity? span;
    private int ended;

    internal WriteTurn(WriteGate gate, DbContext db, SharedCommit commit, string savepoint, Activity? span)
    {
        this.gate = gate;
        this.db = db;
        this.commit = commit;
        this.savepoint = savepoint;
        this.span = span;
    }

    /// <summary>Keeps this turn's writes and waits for the shared commit (not cancelled: the writes are in it either way).</summary>
    public Task CommitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref ended, 1) != 0)
        {
            throw new InvalidOperationException("This write turn has already ended.");
        }

        var kept = false;
        try
        {
            commit.Transaction.Release(savepoint);
            kept = true;
        }
        catch
        {
            commit.Undo(savepoint);
            EndFailedSpan();
            throw;
        }
        finally
        {
            LeaveEndingSpanIfItThrows(kept);
        }

        return Committed();
    }

    /// <summary>
    /// Undoes this turn unless it was committed. The caller goes on only after the shared commit all
    /// the same, and hears if it failed: what it found in its turn (another turn's order with the
    /// same referenceID, a token spent by another) is true only once that commit is on disk.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref ended, 1) != 0)
        {
            return;
        }

        try
        {
            commit.Undo(savepoint);
        }
        finally
        {
            LeaveEndingSpanIfItThrows(kept: false);
        }

        span?.SetTag("oneclick.write.undone", true);
        await Committed();
    }

    /// <summary>Leaves the gate; if that throws, the turn's span ends here (no commit will end it).</summary>
    private void LeaveEndingSpanIfItThrows(bool kept)
    {
        try
        {
            Leave(kept);
        }
        catch
        {
            EndFailedSpan();
            throw;
        }
    }

    /// <summary>The turn failed before its commit: its span ends here, marked as an error.</summary>
    private void EndFailedSpan()
    {
        span?.SetStatus(ActivityStatusCode.Error);
        span?.Dispose();
    }

    /// <summary>The shared commit, what the caller waits for; the turn's span, if any, ends with it.</summary>
    private Task Committed() => span is null ? commit.Done.Task : EndSpanAfter(commit.Done.Task, span);

    /// <summary>
    /// The turn's span lasts until the shared commit is on disk (or failed), what its caller waits for.
    /// Async on purpose: stopping a span makes its parent current again in the context that stops it,
    /// and an async method's context is its own, so the caller's current span stays as it was.
    /// </summary>
    private static async Task EndSpanAfter(Task committed, Activity span)
    {
        try
        {
            await committed;
        }
        catch
        {
            span.SetStatus(ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            span.Dispose();
        }
    }

    private void Leave(bool kept)
    {
        try
        {
            gate.Detach(db);
        }
        finally
        {
            gate.End(commit, db, kept);
        }
    }
}
