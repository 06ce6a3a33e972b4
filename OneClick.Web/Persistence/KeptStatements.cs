using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneClick.Web.Persistence;

/// <summary>
/// Keeps the statements EF Core runs prepared on every connection that stays open: the
/// <see cref="WriteGate"/>'s writer, and each context's own (<see cref="KeptConnection"/>). EF Core
/// makes a new command for every execution, and Microsoft.Data.Sqlite prepares a statement again for
/// every new command: a tenth of the gateway's busy time per purchase. A command kept per SQL text on
/// an open connection keeps its prepared statement; EF Core's command is run as that one, with its
/// parameters (decisions 023 and 025). A connection's statements are dropped when it closes (closing
/// disposes what was prepared on it), whoever closes it.
/// </summary>
public sealed class KeptStatements : DbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>Statements kept on the writer, which runs every write; past it, the least recently run goes.</summary>
    public const int WriterCapacity = 256;

    /// <summary>
    /// Statements kept on a context's own connection: more than any request runs, few enough that a
    /// pool of contexts with open connections stays small in memory. Past it, the least recently run
    /// goes, so one-off statements (the migrations, a rare page) do not crowd out the hot ones.
    /// </summary>
    public const int Capacity = 64;

    private readonly ConditionalWeakTable<SqliteConnection, Kept> connections = new();
    private long reused;

    /// <summary>Statements kept prepared now, on every connection (for tests).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var (_, kept) in connections)
            {
                count += kept.Count;
            }

            return count;
        }
    }

    /// <summary>Statements kept prepared on one connection now (for tests).</summary>
    public int CountOn(DbConnection connection) =>
        connection is SqliteConnection sqlite && connections.TryGetValue(sqlite, out var kept) ? kept.Count : 0;

    /// <summary>Runs of a statement prepared before (for tests).</summary>
    public long Reused => Interlocked.Read(ref reused);

    /// <summary>Runs of a statement prepared before, on one connection (for tests).</summary>
    public long ReusedOn(DbConnection connection) =>
        connection is SqliteConnection sqlite && connections.TryGetValue(sqlite, out var kept) ? kept.Reused : 0;

    /// <summary>The gate opened its writer: every write runs on it, so it keeps more statements.</summary>
    internal void KeepForWriter(SqliteConnection writer) => Start(writer, WriterCapacity);

    void IDbConnectionInterceptor.ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Start(connection, Capacity);

    Task IDbConnectionInterceptor.ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken)
    {
        Start(connection, Capacity);
        return Task.CompletedTask;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || Take(command) is not { } run ? result : InterceptionResult<DbDataReader>.SuppressWithResult(Read(command, run.Connection, run.Command));

    // A cancelled call runs EF Core's own command, which throws as it always did.
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(cancellationToken.IsCancellationRequested ? result : ReaderExecuting(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        result.HasResult || Take(command) is not { } run ? result : InterceptionResult<int>.SuppressWithResult(Run(command, run, static c => c.ExecuteNonQuery()));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(cancellationToken.IsCancellationRequested ? result : NonQueryExecuting(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        result.HasResult || Take(command) is not { } run ? result : InterceptionResult<object>.SuppressWithResult(Run(command, run, static c => c.ExecuteScalar())!);

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
    /// The kept command for this one's SQL on its connection, with this one's parameters and
    /// transaction, with the connection's statements; null when its connection keeps no statements, or
    /// its kept command is busy.
    /// </summary>
    private (Kept Connection, SqliteCommand Command)? Take(DbCommand command)
    {
        if (command is not SqliteCommand { Connection: { } connection } sqlite
            || command.CommandText is not { Length: > 0 } sql
            || !connections.TryGetValue(connection, out var kept))
        {
            return null;
        }

        if (kept.Take(sqlite, sql) is not { } run)
        {
            return null;
        }

        if (run.Known)
        {
            Interlocked.Increment(ref reused);
        }

        return (kept, run.Command);
    }

    /// <summary>Runs a kept command to its end (a non-query or a scalar), then frees it.</summary>
    private static T Run<T>(DbCommand command, (Kept Connection, SqliteCommand Command) run, Func<SqliteCommand, T> execute)
    {
        try
        {
            return execute(run.Command);
        }
        finally
        {
            run.Connection.Free(command);
        }
    }

    /// <summary>A kept command's reader; the command is freed when EF Core disposes it.</summary>
    private static SqliteDataReader Read(DbCommand command, Kept statements, SqliteCommand kept)
    {
        try
        {
            var reader = kept.ExecuteReader();
            statements.Reading(command, reader);
            return reader;
        }
        catch
        {
            statements.Free(command);
            throw;
        }
    }

    /// <summary>Ends EF Core's command's run as a kept one (see <see cref="Kept.Free"/>).</summary>
    private void Free(DbCommand command)
    {
        if (command.Connection is SqliteConnection connection && connections.TryGetValue(connection, out var kept))
        {
            kept.Free(command);
        }
    }

    private void Start(DbConnection connection, int capacity)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return;
        }

        if (connections.TryGetValue(sqlite, out var kept))
        {
            kept.Raise(capacity);
            return;
        }

        // Any close ends the statements (Microsoft.Data.Sqlite disposes them), whoever closes it: EF
        // Core does not report every close it makes, so the connection's own event is the one to trust.
        sqlite.StateChange += Closed;
        connections.AddOrUpdate(sqlite, new Kept(capacity));
    }

    private void Closed(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState != ConnectionState.Open && sender is SqliteConnection sqlite && connections.TryGetValue(sqlite, out var kept))
        {
            sqlite.StateChange -= Closed;
            connections.Remove(sqlite);
            kept.Dispose();
        }
    }

    /// <summary>
    /// One connection's kept commands. A connection is used by one caller at a time, so its lock is
    /// not contended; it guards against a caller that breaks that rule.
    /// </summary>
    private sealed class Kept(int capacity) : IDisposable
    {
        private readonly Dictionary<string, LinkedListNode<SqliteCommand>> prepared = new(StringComparer.Ordinal);

        /// <summary>The kept commands, the most recently run first.</summary>
        private readonly LinkedList<SqliteCommand> recent = new();

        /// <summary>
        /// EF Core's commands now running as a kept one, with the kept command's reader while it is
        /// open. A kept command in here is busy: asked for again meanwhile (a query nested in another),
        /// its SQL runs unprepared on EF Core's own command.
        /// </summary>
        private readonly Dictionary<DbCommand, (SqliteCommand Kept, SqliteDataReader? Reader)> running = new(ReferenceEqualityComparer.Instance);

        private readonly HashSet<SqliteCommand> busy = new(ReferenceEqualityComparer.Instance);

        private int capacity = capacity;
        private long reused;

        public long Reused
        {
            get
            {
                lock (prepared)
                {
                    return reused;
                }
            }
        }

        public void Raise(int atLeast)
        {
            lock (prepared)
            {
                capacity = Math.Max(capacity, atLeast);
            }
        }

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

        public (SqliteCommand Command, bool Known)? Take(SqliteCommand command, string sql)
        {
            lock (prepared)
            {
                var known = prepared.TryGetValue(sql, out var node);
                if (known)
                {
                    recent.Remove(node!);
                    recent.AddFirst(node!);
                    reused++;
                }
                else
                {
                    if (prepared.Count >= capacity && !Evict())
                    {
                        return null;
                    }

                    var created = command.Connection!.CreateCommand();
                    created.CommandText = sql;
                    node = recent.AddFirst(created);
                    prepared.Add(sql, node);
                }

                var kept = node!.Value;
                if (!busy.Add(kept))
                {
                    return null;
                }

                running[command] = (kept, null);
                kept.Transaction = command.Transaction;
                kept.CommandTimeout = command.CommandTimeout;
                kept.Parameters.Clear();
                foreach (SqliteParameter parameter in command.Parameters)
                {
                    // EF Core's own parameter objects, as they are: a parameter belongs to no one command.
                    kept.Parameters.Add(parameter);
                }

                return (kept, known);
            }
        }

        public void Reading(DbCommand command, SqliteDataReader reader)
        {
            lock (prepared)
            {
                if (running.TryGetValue(command, out var run))
                {
                    running[command] = (run.Kept, reader);
                }
            }
        }

        /// <summary>
        /// Ends EF Core's command's run as a kept one: closes the reader if it is still open, and
        /// drops the values (EF Core clears its own after each run).
        /// </summary>
        public void Free(DbCommand command)
        {
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

        /// <summary>Drops the least recently run command that is not running; false when all are.</summary>
        private bool Evict()
        {
            for (var node = recent.Last; node is not null; node = node.Previous)
            {
                if (!busy.Contains(node.Value))
                {
                    prepared.Remove(node.Value.CommandText);
                    recent.Remove(node);
                    node.Value.Dispose();
                    return true;
                }
            }

            return false;
        }

        public void Dispose()
        {
            lock (prepared)
            {
                foreach (var command in recent)
                {
                    command.Dispose();
                }

                prepared.Clear();
                recent.Clear();
                running.Clear();
                busy.Clear();
            }
        }
    }
}
