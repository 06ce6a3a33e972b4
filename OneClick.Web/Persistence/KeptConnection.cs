using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

/// <summary>
/// A context's SQLite connection that stays open between its queries and while the context waits in
/// the pool, so that the statements run on it stay prepared (<see cref="KeptStatements"/>). EF Core
/// opens a pooled connection for every query and closes it after; Microsoft.Data.Sqlite then prepares
/// each statement again, takes its pool's lock twice, and sets up EF Core's SQL functions again on
/// every open (decision 025). The connection is really closed only when EF Core disposes it, or when
/// it is not idle (a transaction left open, a statement still stepping), which a close always ends.
/// </summary>
/// <remarks>
/// EF Core's SQLite connection is an internal API: this class is the one place that depends on it, and
/// <c>KeptConnectionTests</c> fails if a new EF Core version changes what it relies on.
/// </remarks>
#pragma warning disable EF1001 // Internal EF Core API: see the remarks.
public sealed class KeptConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
#pragma warning restore EF1001
{
    /// <summary>The connection this context made for itself, set aside while it writes on the gate's writer.</summary>
    private DbConnection? own;
    private DbConnection? setAside;
    private bool lending;

    /// <summary>
    /// The context runs on <paramref name="writer"/> for a write turn; its own connection is set aside,
    /// open, for when the turn ends (<see cref="UseOwn"/>).
    /// </summary>
    internal void UseWriter(SqliteConnection writer)
    {
        // EF Core closes what it owned (kept open when idle) and disposes it (skipped while lending).
        var mine = own;
        lending = true;
        try
        {
            SetDbConnection(writer, contextOwnsConnection: false);
        }
        finally
        {
            lending = false;
        }

        setAside = mine;
        own = null;
    }

    /// <summary>The turn is over: the context reads on its own connection again.</summary>
    internal void UseOwn(string? connectionString)
    {
        if (setAside is { } connection)
        {
            setAside = null;
            SetDbConnection(connection, contextOwnsConnection: true);
            own = connection;
            return;
        }

        // Unset, the connection would be made from an empty connection string (an in-memory database).
        SetDbConnection(null, contextOwnsConnection: true);
        ConnectionString = connectionString;
    }

    /// <summary>The connection of a context made with options that <see cref="Use"/> it (every context of the gateway).</summary>
    internal static KeptConnection Of(DbContext db) =>
        db.GetService<IRelationalConnection>() as KeptConnection
        ?? throw new InvalidOperationException("This context's options were not made with KeptConnection.Use: a write turn cannot set its connection aside.");

    /// <summary>Makes the contexts of these options use this connection instead of EF Core's.</summary>
    internal static DbContextOptionsBuilder Use(DbContextOptionsBuilder options) =>
#pragma warning disable EF1001
        options.ReplaceService<ISqliteRelationalConnection, KeptConnection>();

    protected override DbConnection CreateDbConnection() => own = base.CreateDbConnection();
#pragma warning restore EF1001

    protected override void CloseDbConnection()
    {
        if (!Idle(DbConnection))
        {
            base.CloseDbConnection();
        }
    }

    protected override Task CloseDbConnectionAsync() =>
        Idle(DbConnection) ? Task.CompletedTask : base.CloseDbConnectionAsync();

    protected override void DisposeDbConnection()
    {
        if (lending)
        {
            return;
        }

        own = null;
        base.DisposeDbConnection();
    }

    protected override ValueTask DisposeDbConnectionAsync()
    {
        if (lending)
        {
            return ValueTask.CompletedTask;
        }

        own = null;
        return base.DisposeDbConnectionAsync();
    }

    /// <summary>
    /// Whether the connection can stay open as it is: this context's own, open, and in no transaction
    /// at all, not even the read transaction of a statement still stepping (a reader nobody disposed),
    /// which would hold its snapshot and keep the WAL from being checkpointed. Anything else is
    /// closed, which rolls back and resets it.
    /// </summary>
    private bool Idle(DbConnection connection) =>
        ReferenceEquals(connection, own)
        && connection is SqliteConnection { State: ConnectionState.Open } sqlite
        && !SqliteTransactionState.InAny(sqlite);
}
