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
/// query, which disposes what was prepared on it) run as they are.
/// </summary>
public sealed class WriterStatements : DbCommandInterceptor
{
    /// <summary>More distinct statements than any turn runs; past it, new ones run unprepared.</summary>
    public const int Capacity = 256;

    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);

    /// <summary>Commands running or with a reader still open: one that is asked for again meanwhile runs unprepared.</summary>
    private readonly HashSet<SqliteCommand> busy = [];

    /// <summary>The open readers of kept commands, to free each command when EF Core disposes its reader.</summary>
    private readonly Dictionary<DbDataReader, SqliteCommand> readers = new(ReferenceEqualityComparer.Instance);

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
            Forget();
            writer = connection;
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<DbDataReader>.SuppressWithResult(Read(kept));

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<int>.SuppressWithResult(Run(kept, static c => c.ExecuteNonQuery()));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        result.HasResult || Take(command) is not { } kept ? result : InterceptionResult<object>.SuppressWithResult(Run(kept, static c => c.ExecuteScalar())!);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ScalarExecuting(command, eventData, result));

    /// <summary>
    /// The kept command for this one's SQL on the writer, with this one's parameters and transaction;
    /// null when it is not on the writer, or its kept command is still reading.
    /// </summary>
    private SqliteCommand? Take(DbCommand command)
    {
        if (command is not SqliteCommand { Connection: { } connection } sqlite || command.CommandText is not { Length: > 0 } sql)
        {
            return null;
        }

        lock (prepared)
        {
            if (!ReferenceEquals(connection, writer))
            {
                return null;
            }

            if (prepared.TryGetValue(sql, out var kept))
            {
                reused++;
            }
            else
            {
                if (prepared.Count >= Capacity)
                {
                    return null;
                }

                kept = connection.CreateCommand();
                kept.CommandText = sql;
                prepared.Add(sql, kept);
            }

            if (!busy.Add(kept))
            {
                return null;
            }

            kept.Transaction = sqlite.Transaction;
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
    private T Run<T>(SqliteCommand kept, Func<SqliteCommand, T> execute)
    {
        try
        {
            return execute(kept);
        }
        finally
        {
            Free(kept);
        }
    }

    /// <summary>A kept command's reader; the command is freed when EF Core disposes it.</summary>
    private SqliteDataReader Read(SqliteCommand kept)
    {
        try
        {
            var reader = kept.ExecuteReader();
            lock (prepared)
            {
                readers.Add(reader, kept);
            }

            return reader;
        }
        catch
        {
            Free(kept);
            throw;
        }
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        lock (prepared)
        {
            if (readers.Remove(eventData.DataReader, out var kept))
            {
                busy.Remove(kept);
            }
        }

        return result;
    }

    private void Free(SqliteCommand kept)
    {
        lock (prepared)
        {
            busy.Remove(kept);
        }
    }

    private void Forget()
    {
        foreach (var command in prepared.Values)
        {
            command.Dispose();
        }

        prepared.Clear();
        busy.Clear();
        readers.Clear();
    }
}
