using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>The gateway's database as an attacker who copied the files would see it, for card-data scans.</summary>
public static class DatabaseFile
{
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

        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i))
                    {
                        values.Add(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!);
                    }
                }
            }
        }

        return (raw.ToString(), values, tables);
    }
}
