using Npgsql;

namespace OneClick.Web.Persistence;

/// <summary>
/// Nodes of one PostgreSQL gateway may start together: each migrates and seeds (roles, the demo shop,
/// the staff of a test) under this session-level advisory lock, one node after another, so that no two
/// insert the same seed row. One SQLite node has nothing to wait for.
/// </summary>
public sealed class StartupLock : IAsyncDisposable
{
    /// <summary>
    /// Its first half is taken with the database's name as the second key (the two-key form), so that
    /// gateways of other databases on one server do not wait for each other.
    /// </summary>
    public const long Key = 0x4F6E65436C537472;

    private readonly NpgsqlConnection? connection;

    private StartupLock(NpgsqlConnection? connection) => this.connection = connection;

    public static async Task<StartupLock> TakeAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        if (!database.IsPostgreSql)
        {
            return new StartupLock(null);
        }

        // The server may have no such database yet (the first node creates it): the lock is taken in
        // the server's own database, which every server has.
        var builder = new NpgsqlConnectionStringBuilder(PersistenceServiceCollectionExtensions.PostgreSqlConnectionString(database.ConnectionString));
        var target = builder.Database;
        builder.Database = "postgres";
        builder.Pooling = false;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key, hashtext(@database))", connection);
            command.Parameters.AddWithValue("key", (int)(Key >> 32));
            command.Parameters.AddWithValue("database", target ?? "");
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new StartupLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closing the session frees its advisory locks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
