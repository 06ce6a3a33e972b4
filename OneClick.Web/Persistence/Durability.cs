using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneClick.Web.Persistence;

/// <summary>
/// When a commit counts as done (<c>OneClick:Database:Synchronous</c>, README "Configuration").
/// <see cref="Full"/>, the default, waits for the disk at every commit: an approved sale that the
/// acquirer charged survives a power cut. <see cref="Normal"/> does not wait in WAL mode: the
/// database stays consistent, but the last commits before a power cut or an operating-system
/// crash (not a crash of the gateway alone) can be lost, approved sales and their postbacks included.
/// </summary>
public enum Durability
{
    Full,
    Normal,
}

/// <summary>The engine behind the gateway (PROTOCOL.md section 9).</summary>
public enum DatabaseProvider
{
    /// <summary>A file in the data folder: one node, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: several nodes given the same connection string are one gateway (decision 030).</summary>
    PostgreSql,
}

/// <summary>The <c>OneClick:Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The PostgreSQL connection string (Npgsql form); unused with SQLite, whose file is in the data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite's <c>PRAGMA synchronous</c>; PostgreSQL's durability is the server's (<c>synchronous_commit</c>).</summary>
    public Durability Synchronous { get; set; } = Durability.Full;

    public bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;
}

/// <summary>
/// Sets <c>PRAGMA synchronous</c> on every connection EF Core opens, when the operator chose
/// anything but the build's default (FULL, checked by a test): a statement at every open costs, so
/// the default runs none.
/// </summary>
internal sealed class SqliteDurability(Durability durability) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = ((SqliteConnection)connection).CreateCommand();
        command.CommandText = $"PRAGMA synchronous={durability.ToString().ToUpperInvariant()};";
        command.ExecuteNonQuery();
    }
}

