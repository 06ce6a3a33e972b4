using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OneClick.Tests.Infrastructure;

/// <summary>The gateway's database as an attacker who copied the files would see it, for card-data scans.</summary>
public static class DatabaseFile
{
    /// <summary>
    /// The first column of a query, as text, read on a connection of the test's own (read-only, not
    /// pooled). On PostgreSQL the query's PascalCase names are quoted, as the model's names are.
    /// </summary>
    /// <param name="quoteNames">False for a table a test made itself with unquoted names (PostgreSQL folds them to lower case).</param>
    public static List<string> FirstColumn(string dataDirectory, string sql, bool quoteNames = true)
    {
        using var connection = OpenReadOnly(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = connection is NpgsqlConnection && quoteNames ? QuoteNames(sql) : sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Text(reader.GetValue(0))!);
        }

        return values;
    }

    /// <summary>A statement written for SQLite run on the gateway's database, whichever it is (PascalCase names quoted on PostgreSQL).</summary>
    public static async Task ExecuteAsync(string dataDirectory, string sql)
    {
        if (!TestDatabase.IsPostgreSql)
        {
            await SqliteScript.ExecuteAsync($"Data Source={Path.Combine(dataDirectory, "oneclick.db")}", sql);
            return;
        }

        await using var connection = TestDatabase.UnpooledConnection(TestDatabase.NameFor(dataDirectory));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(QuoteNames(sql), connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The gateway's database, opened for reading: its SQLite file, or its PostgreSQL database (<see cref="TestDatabase"/>).</summary>
    public static DbConnection OpenReadOnly(string dataDirectory)
    {
        if (TestDatabase.IsPostgreSql)
        {
            var postgres = TestDatabase.UnpooledConnection(TestDatabase.NameFor(dataDirectory));
            postgres.Open();
            return postgres;
        }

        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "oneclick.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Quotes the PascalCase names of a query written for SQLite (outside its string literals), so that PostgreSQL does not fold them to lower case.</summary>
    public static string QuoteNames(string sql) =>
        string.Concat(Regex.Split(sql, "('[^']*'|\"[^\"]*\")").Select(part => part.StartsWith('\'') || part.StartsWith('"')
            ? part
            : Regex.Replace(part, "\\b(?=[A-Za-z_]*[a-z])(?=[A-Za-z_]*[A-Z])[A-Za-z_][A-Za-z_0-9]*\\b", m => $"\"{m.Value}\"")));

    /// <summary>
    /// The raw bytes of the database and its WAL (as Latin-1 text), every non-null value of every table
    /// as text, and the tables' names (so that a scan can show it read the tables it means to).
    /// </summary>
    public static async Task<(string Raw, HashSet<string> Values, IReadOnlyList<string> Tables)> ReadAllAsync(GatewayFactory gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (TestDatabase.IsPostgreSql)
        {
            // What a copy of the server's files would hold is every row: the rows as text stand for the raw pages.
            await using var postgres = OpenReadOnly(gateway.DataDirectory);
            var all = await RowsAsync(postgres);
            var texts = all.Values.SelectMany(r => r).SelectMany(r => r).Select(c => c.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
            return (string.Join('\n', texts), texts, all.Keys.ToList());
        }

        var path = Path.Combine(gateway.DataDirectory, "oneclick.db");
        var raw = new StringBuilder();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            raw.Append(await reader.ReadToEndAsync());
        }

        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        var rows = await RowsAsync(connection);
        var values = rows.Values.SelectMany(r => r).SelectMany(r => r).Select(c => c.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (raw.ToString(), values, rows.Keys.ToList());
    }

    /// <summary>
    /// Every row of every table, by table name (ordinal order), each row as its columns' names and
    /// values as text (null for NULL), in the order the database keeps them.
    /// </summary>
    public static async Task<SortedDictionary<string, List<IReadOnlyList<(string Column, string? Value)>>>> RowsAsync(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = new SortedDictionary<string, List<IReadOnlyList<(string Column, string? Value)>>>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = connection is NpgsqlConnection
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables[reader.GetString(0)] = [];
            }
        }

        foreach (var (table, rows) in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount)
                    .Select(i => (reader.GetName(i), reader.IsDBNull(i) ? null : Text(reader.GetValue(i))))
                    .ToList());
            }
        }

        return tables;
    }

    /// <summary>A value as SQLite would have stored it as text: times as ISO 8601, so that both providers read alike.</summary>
    private static string? Text(object value) => value switch
    {
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
