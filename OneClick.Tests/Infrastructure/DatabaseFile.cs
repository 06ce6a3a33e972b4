using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>The gateway's database as an attacker who copied the files would see it, for card-data scans.</summary>
public static class DatabaseFile
{
    /// <summary>The first column of a query, as text, read on a connection of the test's own (read-only, not pooled).</summary>
    public static List<string> FirstColumn(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "oneclick.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    /// <summary>
    /// The raw bytes of the database and its WAL (as Latin-1 text), every non-null value of every table
    /// as text, and the tables' names (so that a scan can show it read the tables it means to).
    /// </summary>
    public static async Task<(string Raw, HashSet<string> Values, IReadOnlyList<string> Tables)> ReadAllAsync(GatewayFactory gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
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
    /// values as text (null for NULL), in the order SQLite keeps them.
    /// </summary>
    public static async Task<SortedDictionary<string, List<IReadOnlyList<(string Column, string? Value)>>>> RowsAsync(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = new SortedDictionary<string, List<IReadOnlyList<(string Column, string? Value)>>>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
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
                    .Select(i => (reader.GetName(i), reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)))
                    .ToList());
            }
        }

        return tables;
    }
}
