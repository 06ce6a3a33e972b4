using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>Raw SQL against a database file, for tests that build an old schema or its rows by hand.</summary>
internal static class SqliteScript
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
