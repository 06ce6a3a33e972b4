using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Telemetry;

namespace OneClick.Web.Persistence;

/// <summary>
/// SQLite has one writer at a time, and a commit in <c>synchronous=FULL</c> waits for the disk. The
/// hot writers (payments, postback results, new orders) and the back-office commands take turns
/// here, in arrival order and without holding a thread, instead of finding the database locked and
/// sleeping in SQLite's busy handler. The turns share commits (decision 022): every turn runs on the
/// gate's one writer connection inside the transaction that is open, under a savepoint of its own
/// that undoes it alone when it fails; the turn that finds nobody waiting behind it commits for all
/// of them, one fsync, and each caller is answered only after that shared commit. Keep what runs
/// inside short and local: no HTTP call, no acquirer call. Not re-entrant: a turn taken inside
/// another turn waits for ever. On PostgreSQL the gate orders this node's turns the same way, and each
/// shared transaction first takes one advisory lock in the database, so that the nodes of a gateway
/// write one after another as SQLite's single writer does: every rule proven under one writer holds
/// across nodes (decision 030).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Never disposed: a request still in its turn while the host shuts down must be able to give it back; no wait handle is used, and the writer connection lives as long as the process.")]
public sealed class WriteGate
{
    /// <summary>
    /// Turns a commit takes at most: the first turns of a commit wait for all the others, so a commit
    /// is closed after this many even when more are queued (decision 022: 32 measured against 16, 48
    /// and 64 once the turns were light).
    /// </summary>
    public const int MaxTurnsPerCommit = 32;

    /// <summary>The advisory lock that the nodes' shared transactions take in turn ("OneClick" in ASCII).</summary>
    public const long PostgreSqlWriterLock = 0x4F6E65436C69636B;

    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly bool postgreSql;
    private readonly DbContextOptions<OneClickDbContext> options;
    private readonly ShopChangeInterceptor shopChanges;
    private readonly KeptStatements statements;
    private readonly Histogram<double> commitDuration;
    private readonly Histogram<double> turnWait;
    private readonly GateHoldTime hold;
    private OneClickDbContext? writerOwner;
    private string? connectionString;
    private DbConnection? writer;
    private SharedCommit? open;
    private int queued;
    private long savepoints;
    private long commits;
    private long committedTurns;

    public WriteGate(DbContextOptions<OneClickDbContext> options, ShopChangeInterceptor shopChanges, KeptStatements statements, IMeterFactory meters, DatabaseOptions database)
    {
        this.options = options;
        postgreSql = database.IsPostgreSql;
        if (postgreSql)
        {
            connectionString = PersistenceServiceCollectionExtensions.PostgreSqlConnectionString(database.ConnectionString);
        }

        this.shopChanges = shopChanges;
        this.statements = statements;
        // Under the OneClick meter: how many turns a commit carries, how long the disk takes, and how
        // long the gate is held.
        var meter = meters.Create(OneClickMetrics.MeterName);
        meter.CreateObservableCounter("oneclick.write.commits", () => Interlocked.Read(ref commits), "{commit}", "Shared commits of the write turns.");
        meter.CreateObservableCounter("oneclick.write.turns", () => Interlocked.Read(ref committedTurns), "{turn}", "Write turns that were committed.");
        commitDuration = meter.CreateHistogram<double>("oneclick.write.commit.duration", "s", "Time a shared commit takes (the fsync, in synchronous=FULL).", advice: Milliseconds);
        turnWait = meter.CreateHistogram<double>("oneclick.write.turn.wait", "s", "Time a write turn waits for the gate (the turns before it, and their commits).", advice: Milliseconds);
        hold = new GateHoldTime(meter);
    }

    /// <summary>Bucket bounds for the turns' times: from 50 µs to 5 s (the default ones start at 5 ms).</summary>
    private static InstrumentAdvice<double> Milliseconds { get; } = new()
    {
        HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    };

    /// <summary>Turns waiting for the gate or writing: a turn that ends while others wait leaves the commit to them.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>Commits made so far, and the turns they carried: what the benchmark reports as turns per commit.</summary>
    public (long Commits, long Turns) CommitCounts => (Interlocked.Read(ref commits), Interlocked.Read(ref committedTurns));

    /// <summary>
    /// Waits for this process's turn to write, then points <paramref name="db"/> at the shared
    /// transaction under a savepoint of its own. Waiting is not cancelled: turns are short, and a
    /// turn that is queued is what tells the one before it not to commit yet.
    /// </summary>
    public async Task<WriteTurn> BeginAsync(DbContext db, CancellationToken cancellationToken)
    {
        // Only inside a traced operation (a purchase, a delivery): a job's or a sweep's write alone is no trace of its own.
        var span = Activity.Current is null ? null : OneClickTraces.Start("write turn"); // ends when the shared commit is on disk
        var waitStarted = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref queued);
        await turn.WaitAsync(CancellationToken.None);
        turnWait.Record(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds);
        hold.Taken();
        SharedCommit? commit = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            commit = OpenCommit();
            var savepoint = "turn" + Interlocked.Increment(ref savepoints).ToString(CultureInfo.InvariantCulture);
            commit.Transaction.Save(savepoint);
            try
            {
                // The context's own connection waits, open, for the turn's end.
                Lend(db, writer!);
                await db.Database.UseTransactionAsync(commit.Transaction, cancellationToken);
            }
            catch
            {
                Detach(db);
                commit.Undo(savepoint);
                throw;
            }

            return new WriteTurn(this, db, commit, savepoint, span);
        }
        catch
        {
            span?.SetStatus(ActivityStatusCode.Error);
            span?.Dispose();
            End(commit, db, succeeded: false);
            throw;
        }
    }

    /// <summary>One SaveChanges in its own turn: for a writer that has nothing else to do in the transaction.</summary>
    public async Task<int> SaveChangesAsync(DbContext db, CancellationToken cancellationToken)
    {
        await using var write = await BeginAsync(db, cancellationToken);
        var saved = await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>
    /// A turn is over. The turn that leaves nobody queued (or fills the commit) commits for every
    /// turn in it, then hands the turn on; otherwise the next turn joins the same transaction. The
    /// turn is handed on whatever happens here: a gate left shut would stop every writer.
    /// </summary>
    internal void End(SharedCommit? commit, DbContext db, bool succeeded)
    {
        try
        {
            if (commit is not null)
            {
                if (succeeded)
                {
                    commit.Contexts.Add(db);
                }
                else
                {
                    shopChanges.Forget(db);
                }
            }

            // A turn always belongs to the open commit (a commit is closed only here, inside a turn).
            var last = Interlocked.Decrement(ref queued) == 0;
            if (open is { } batch)
            {
                batch.Turns++;
                if (last || batch.Turns >= MaxTurnsPerCommit || batch.Doomed)
                {
                    open = null;
                    Finish(batch);
                }
            }
        }
        finally
        {
            hold.Released();
            turn.Release();
        }
    }

    /// <summary>The open transaction, or a new one (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN and the writers' advisory lock).</summary>
    private SharedCommit OpenCommit()
    {
        if (open is null && writer is { State: not ConnectionState.Open })
        {
            // The server went away (a restart, a network cut): the next commit opens a writer again.
            writerOwner?.Dispose();
            writerOwner = null;
            writer = null;
        }

        writer ??= OpenWriter();
        if (open is { } current && TransactionLost(current))
        {
            // SQLite rolled the transaction back by itself (a full disk, an I/O error, out of memory):
            // none of its turns happened. A SAVEPOINT now would start a transaction of its own.
            open = null;
            Fail(current, new InvalidOperationException("The database rolled back the shared write transaction; nothing written in it was saved."));
        }

        return open ??= new SharedCommit(Begin(writer));
    }

    private DbTransaction Begin(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            return sqlite.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        }

        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        try
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = FormattableString.Invariant($"SELECT pg_advisory_xact_lock({PostgreSqlWriterLock})");
            command.ExecuteNonQuery();
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    /// <summary>Whether the writer is out of its transaction without our COMMIT or ROLLBACK.</summary>
    private bool TransactionLost(SharedCommit commit) => writer is SqliteConnection sqlite
        ? SQLitePCL.raw.sqlite3_get_autocommit(sqlite.Handle) != 0
        : writer is not { State: ConnectionState.Open } || commit.Transaction.Connection is null;

    private void Finish(SharedCommit commit)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (commit.Doomed || TransactionLost(commit))
            {
                throw new InvalidOperationException("A write turn could not be undone alone, or the database rolled back the shared write transaction; nothing written in it was saved.");
            }

            commit.Transaction.Commit();
        }
        catch (Exception ex)
        {
            // The disk refused the commit, or it was doomed: none of its turns happened, and each caller hears so.
            Fail(commit, ex);
            return;
        }

        commit.Transaction.Dispose();
        commitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Interlocked.Increment(ref commits);
        Interlocked.Add(ref committedTurns, commit.Contexts.Count);
        foreach (var context in commit.Contexts)
        {
            shopChanges.Committed(context);
        }

        commit.Done.SetResult();
    }

    private void Fail(SharedCommit commit, Exception failure)
    {
        try
        {
            commit.Transaction.Dispose(); // rolls back what is left of it
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Nothing left to roll back (or no connection left to do it on).
        }

        foreach (var context in commit.Contexts)
        {
            shopChanges.Forget(context);
        }

        commit.Done.TrySetException(failure);
    }

    /// <summary>The context writes on the writer connection for its turn.</summary>
    private void Lend(DbContext db, DbConnection connection)
    {
        if (postgreSql)
        {
            db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        }
        else
        {
            KeptConnection.Of(db).UseWriter((SqliteConnection)connection);
        }
    }

    /// <summary>The context reads and writes on a connection of its own again (from the pool).</summary>
    internal void Detach(DbContext db)
    {
        db.Database.UseTransaction(null);
        // EF Core counted the writer as opened by UseTransaction; it closes only what it opened itself.
        db.Database.CloseConnection();
        if (postgreSql)
        {
            db.Database.SetDbConnection(null, contextOwnsConnection: true);
            db.Database.SetConnectionString(connectionString);
        }
        else
        {
            KeptConnection.Of(db).UseOwn(connectionString);
        }
    }

    /// <summary>
    /// The writer connection, opened by a context of its own so that EF Core sets it up as every other
    /// (the functions its SQL calls, the busy timeout for the jobs' writes outside the turns). Its
    /// statements stay prepared (<see cref="KeptStatements"/>).
    /// </summary>
    private DbConnection OpenWriter()
    {
        writerOwner = new OneClickDbContext(options);
        writerOwner.Database.OpenConnection();
        var connection = writerOwner.Database.GetDbConnection();
        if (connection is SqliteConnection sqlite)
        {
            connectionString = writerOwner.Database.GetConnectionString();
            statements.KeepForWriter(sqlite);
        }

        return connection;
    }
}
