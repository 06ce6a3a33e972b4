using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// The database the suite's gateways run on: SQLite files in each gateway's data folder (the default),
/// or, with <c>ONECLICK_TEST_DATABASE=PostgreSql</c>, a PostgreSQL database of each gateway's own on the
/// server <c>ONECLICK_TEST_POSTGRES</c> names (scripts/postgres.sh starts one). Each database is a copy
/// of a template migrated once per run, and is dropped with its gateway's folder.
/// </summary>
public static class TestDatabase
{
    /// <summary>The server of scripts/postgres.sh, unless <c>ONECLICK_TEST_POSTGRES</c> names another.</summary>
    public static string ServerConnectionString { get; } =
        Environment.GetEnvironmentVariable("ONECLICK_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=oneclick;Password=oneclick;Timeout=5";

    /// <summary>Whether the whole suite runs on PostgreSQL (the switch in the test settings).</summary>
    public static bool IsPostgreSql { get; } =
        string.Equals(Environment.GetEnvironmentVariable("ONECLICK_TEST_DATABASE"), "PostgreSql", StringComparison.OrdinalIgnoreCase);

    /// <summary>The nodes of one PostgreSQL gateway share one master key; the suite's gateways all use this one.</summary>
    public const string SharedMasterKey = "b25lY2xpY2sgdGVzdCBtYXN0ZXIga2V5IDMyIGJ5dGU=";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static readonly SemaphoreSlim CopyLock = new(1, 1);
    private static readonly Lazy<string?> Unreachable = new(FindWhyUnreachable);
    private static string? template;

    /// <summary>Null when a PostgreSQL server answers; else why not, and what to run.</summary>
    public static string? PostgreSqlUnreachable => Unreachable.Value;

    /// <summary>The database name of a gateway whose data folder is <paramref name="dataDirectory"/> (stable, so a restarted gateway finds its data).</summary>
    public static string NameFor(string dataDirectory)
    {
        var folder = Path.GetFileName(dataDirectory.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant();
        // PostgreSQL cuts names at 63 bytes: a longer folder name is hashed instead.
        return folder.Length <= 52
            ? "oneclick_t_" + folder
            : "oneclick_t_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..40];
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>A connection of the test's own to a database, outside the pools, so that nothing is left open when it goes.</summary>
    public static NpgsqlConnection UnpooledConnection(string database) =>
        new(new NpgsqlConnectionStringBuilder(ConnectionStringFor(database)) { Pooling = false }.ConnectionString);

    /// <summary>Creates the gateway's database from the migrated template, unless it exists (a restart).</summary>
    public static async Task<string> CreateAsync(string database)
    {
        var source = await TemplateAsync();
        // One copy at a time: PostgreSQL refuses to copy a template that another copy is reading.
        await CopyLock.WaitAsync();
        try
        {
            await using var connection = await OpenServerAsync();
            if (!await ExistsAsync(connection, database))
            {
                await ExecuteAsync(connection, $"CREATE DATABASE \"{database}\" TEMPLATE \"{source}\"");
            }
        }
        finally
        {
            CopyLock.Release();
        }

        return ConnectionStringFor(database);
    }

    /// <summary>A database created for a test of its own (not from the template), empty.</summary>
    public static async Task<string> CreateEmptyAsync(string database)
    {
        await using var connection = await OpenServerAsync();
        await ExecuteAsync(connection, $"CREATE DATABASE \"{database}\"");
        return ConnectionStringFor(database);
    }

    public static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = await OpenServerAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    /// <summary>The template every gateway's database is copied from, migrated as the gateway would migrate it.</summary>
    private static async Task<string> TemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (template is not null)
            {
                return template;
            }

            var name = "oneclick_tpl_" + Guid.NewGuid().ToString("N");
            var options = new DbContextOptionsBuilder<OneClickDbContext>()
                .UseNpgsql(ConnectionStringFor(name))
                .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, ProviderMigrations>()
                .Options;
            await using (var db = new OneClickDbContext(options))
            {
                await db.Database.MigrateAsync();
            }

            // Hangfire's tables too, which each gateway would otherwise install at its start.
            _ = OneClick.Web.Hosting.Scheduling.StorageFor(new OneClick.Web.Hosting.JobOptions(), new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = ConnectionStringFor(name) });

            NpgsqlConnection.ClearAllPools();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAsync(name).GetAwaiter().GetResult();
            return template = name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string database)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", database);
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? FindWhyUnreachable()
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
            connection.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return $"No PostgreSQL server answers at {new NpgsqlConnectionStringBuilder(ServerConnectionString).Host} ({ex.Message}): run scripts/postgres.sh, or set ONECLICK_TEST_POSTGRES to a server's connection string.";
        }
    }
}
