using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneClick.Web.Persistence;

/// <summary>
/// Keeps the statements EF Core runs on the <see cref="WriteGate"/>'s writer connection prepared. EF
/// Core makes a new command for every execution, and Microsoft.Data.Sqlite prepares a statement again
/// for every new command: a tenth of the gateway's busy time per purchase, and all of it inside the
/// write turns, which run one at a time. The writer connection stays open for the life of the
/// process, so a command kept per SQL text there keeps its prepared statement; EF Core's command is
/// run as that one, with its parameters. Commands on any other connection (pooled, closed after each
/// query, which disposes what was prepared on it) run as they are (decision 023).
/// </summary>
public sealed class WriterStatements : DbCommandInterceptor
{
    /// <summary>More distinct statements than any turn runs; past it, new ones run unprepared.</summary>
    public const int Capacity = 256;

    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);

    /// <summary>
    /// EF Core's commands now running as a kept one, with the kept command's reader while it is open.
    /// A kept command in here is busy: asked for again meanwhile (a query nested in another), its SQL
    /// runs unprepared on EF Core's own command.
    /// </summary>
    private readonly Dictionary<DbCommand, (SqliteCommand Kept, SqliteDataReader? Reader)> running = new(ReferenceEqualityComparer.Instance);

    private readonly HashSet<SqliteCommand> busy = new(ReferenceEqualityComparer.Instance);

    private SqliteConnection? writer;
    private long reused;

    /// <summary>Statements kept prepared now (for tests).</summary>
    public int Count
    {
        get
        {
            lock (prepared)
            {
                return prepared.Count;
            }
        }
    }

    /// <summary>Runs of a statement prepared before (for tests).</summary>
    public long Reused => Interlocked.Read(ref reused);

    /// <summary>The gate opened its writer: statements on it are kept from now on.</summary>
    internal void Attach(SqliteConnection connection)
    {
        lock (prepared)
        {
            foreach (var command in prepared.Values)
            {
                command.Dispose();
            }

            prepared.Clear();
            running.Clear();
            busy.Clear();
            Volatile.Write(ref writer, connection);
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<DbDataReader>.SuppressWithResult(Read(command, kept));

    // A cancelled call runs EF Core's own command, which throws as it always did.
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(cancellationToken.IsCancellationRequested ? result : ReaderExecuting(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<int>.SuppressWithResult(Run(command, kept, static c => c.ExecuteNonQuery()));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(cancellationToken.IsCancellationRequested ? result : NonQueryExecuting(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<object>.SuppressWithResult(Run(command, kept, static c => c.ExecuteScalar())!);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(cancellationToken.IsCancellationRequested ? result : ScalarExecuting(command, eventData, result));

    /// <summary>EF Core is done with a reader (it closed it first): its kept command is free again.</summary>
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Free(command);
        return result;
    }

    /// <summary>
    /// EF Core failed after the kept command gave its reader (a logger, a later interceptor, buffering):
    /// its own command is disposed, never the kept one's reader, which would stay open and keep the
    /// statement in progress (SQLite refuses to commit while a write statement is). It is closed here.
    /// </summary>
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Free(command);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Free(command);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Free(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Free(command);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The kept command for this one's SQL on the writer, with this one's parameters and transaction;
    /// null when it is not on the writer, or its kept command is busy.
    /// </summary>
    private SqliteCommand? Take(DbCommand command)
    {
        // Every command of the process comes here: those on pooled connections leave without the lock.
        if (command is not SqliteCommand { Connection: { } connection } sqlite
            || !ReferenceEquals(connection, Volatile.Read(ref writer))
            || command.CommandText is not { Length: > 0 } sql)
        {
            return null;
        }

        lock (prepared)
        {
            if (!ReferenceEquals(connection, writer))
            {
                return null;
            }

            var known = prepared.TryGetValue(sql, out var kept);
            if (!known)
            {
                if (prepared.Count >= Capacity)
                {
                    return null;
                }

                kept = connection.CreateCommand();
                kept.CommandText = sql;
                prepared.Add(sql, kept);
            }

            if (!busy.Add(kept!))
            {
                return null;
            }

            if (known)
            {
                reused++;
            }

            running[command] = (kept!, null);
            kept!.Transaction = sqlite.Transaction;
            kept.CommandTimeout = sqlite.CommandTimeout;
            kept.Parameters.Clear();
            foreach (SqliteParameter parameter in sqlite.Parameters)
            {
                // EF Core's own parameter objects, as they are: a parameter belongs to no one command.
                kept.Parameters.Add(parameter);
            }

            return kept;
        }
    }

    /// <summary>Runs a kept command to its end (a non-query or a scalar), then frees it.</summary>
    private T Run<T>(DbCommand command, SqliteCommand kept, Func<SqliteCommand, T> execute)
    {
        try
        {
            return execute(kept);
        }
        finally
        {
            Free(command);
        }
    }

    /// <summary>A kept command's reader; the command is freed when EF Core disposes it.</summary>
    private SqliteDataReader Read(DbCommand command, SqliteCommand kept)
    {
        try
        {
            var reader = kept.ExecuteReader();
            lock (prepared)
            {
                running[command] = (kept, reader);
            }

            return reader;
        }
        catch
        {
            Free(command);
            throw;
        }
    }

    /// <summary>
    /// Ends EF Core's command's run as a kept one: closes the reader if it is still open, and drops
    /// the values (EF Core clears its own after each run).
    /// </summary>
    private void Free(DbCommand command)
    {
        if (!ReferenceEquals(command.Connection, Volatile.Read(ref writer)))
        {
            return;
        }

        lock (prepared)
        {
            if (!running.Remove(command, out var run))
            {
                return;
            }

            if (run.Reader is { IsClosed: false } open)
            {
                open.Dispose();
            }

            run.Kept.Parameters.Clear();
            busy.Remove(run.Kept);
        }
    }
}
