using System.Globalization;
using Npgsql;

namespace OneClick.Benchmarks;

/// <summary>
/// A fresh PostgreSQL database for one run on the server <c>--postgresql</c> names, dropped when the
/// run ends (its nodes stopped first), and what the report says of that server: its durability
/// settings and the CPU its processes used, since on PostgreSQL part of each purchase's work is theirs.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string server;

    private BenchDatabase(string server, string name, string connectionString)
    {
        this.server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The connection string the gateway's nodes are given.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's <c>synchronous_commit</c> and <c>fsync</c>, read when the database was made.</summary>
    public string Durability { get; private set; } = "n/a";

    public static async Task<BenchDatabase> CreateAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        var name = "oneclick_bench_" + Guid.NewGuid().ToString("N")[..12];
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            await using var settings = new NpgsqlCommand("SELECT current_setting('synchronous_commit'), current_setting('fsync'), version()", connection);
            await using var reader = await settings.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var database = new BenchDatabase(server, name, new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString)
            {
                Durability = $"synchronous_commit={reader.GetString(0)}, fsync={reader.GetString(1)} ({reader.GetString(2).Split(" on ")[0]})",
            };
            return database;
        }
    }

    /// <summary>
    /// CPU time (user and system) of every process named <c>postgres</c> on this machine so far: the
    /// server runs on these same cores. Null where /proc cannot be read.
    /// </summary>
    public static TimeSpan? ServerCpuTime()
    {
        try
        {
            long ticks = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out _))
                {
                    continue;
                }

                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(directory, "stat"));
                }
                catch (IOException)
                {
                    continue; // gone meanwhile
                }

                // pid (comm) state ... utime stime: fields 14 and 15, counted after the ')' that ends comm.
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat[..close].Contains("(postgres", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }

            // USER_HZ is 100 on Linux.
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"Could not drop the database {Name}: {ex.Message}");
        }
    }
}
