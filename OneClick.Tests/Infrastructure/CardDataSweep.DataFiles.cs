using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>The sweep of a host's data folder: its files byte by byte, its databases value by value.</summary>
public static partial class CardDataSweep
{
    /// <summary>
    /// Every file under a host's data folder as raw bytes (ASCII and UTF-16; in a database's pages,
    /// free ones and the WAL included, for the known test cards), and every SQLite database in it
    /// value by value (every PAN-like number and CVC, each value on its own).
    /// </summary>
    public static void DataDirectory(string host, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var started = ThreadCpu.Now();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (IOException)
            {
                continue; // Gone between listing and reading (a WAL checkpointed away).
            }

            var name = Path.GetRelativePath(directory, file);
            Interlocked.Increment(ref files);
            Interlocked.Add(ref fileBytes, bytes.Length);
            var database = bytes.AsSpan().StartsWith("SQLite format 3\0"u8);
            var databasePages = database || file.EndsWith("-wal", StringComparison.Ordinal) || file.EndsWith("-journal", StringComparison.Ordinal) || file.EndsWith("-shm", StringComparison.Ordinal);
            foreach (var finding in CardDataDetector.ScanBytes(bytes, utf16: true, knownCardsOnly: databasePages))
            {
                AddFinding($"{host}: file {name}: {finding.Kind}: {finding.Excerpt}");
            }

            Interlocked.Add(ref fileCpu, ThreadCpu.Now() - started);
            if (database)
            {
                started = ThreadCpu.Now();
                Database(host, file, name);
                Interlocked.Add(ref databaseCpu, ThreadCpu.Now() - started);
            }

            started = ThreadCpu.Now();
        }
    }

    private static readonly string[] JournalSuffixes = ["-journal", "-wal"];

    private static void Database(string host, string path, string name)
    {
        Interlocked.Increment(ref databases);
        try
        {
            ReadValues(host, path, name, SqliteOpenMode.ReadOnly);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 8)
        {
            // SQLITE_READONLY: a process killed mid-transaction (the crash tests do it on purpose)
            // left a hot journal that only a writer may roll back. Read a copy instead, rolled
            // back there, so the files stay as the crash left them.
            var copy = Directory.CreateTempSubdirectory("oneclick-sweep-");
            try
            {
                var copied = Path.Combine(copy.FullName, Path.GetFileName(path));
                File.Copy(path, copied);
                foreach (var journal in JournalSuffixes.Where(suffix => File.Exists(path + suffix)))
                {
                    File.Copy(path + journal, copied + journal);
                }

                ReadValues(host, copied, name, SqliteOpenMode.ReadWrite);
            }
            catch (Exception copyFailed) when (copyFailed is SqliteException or IOException)
            {
                AddFinding($"{host}: database {name} could not be read value by value, nor its copy ({copyFailed.Message})");
            }
            finally
            {
                copy.Delete(recursive: true);
            }
        }
        catch (SqliteException ex)
        {
            // Its raw bytes were scanned; say that its values could not be.
            AddFinding($"{host}: database {name} could not be read value by value ({ex.SqliteErrorCode}: {ex.Message})");
        }
    }

    /// <summary>
    /// A gateway's PostgreSQL database (the suite on PostgreSQL, <see cref="TestDatabase"/>): every value
    /// of every table, as for a SQLite file, and each binary value's bytes as a file's would be.
    /// </summary>
    public static void PostgreSqlDatabase(string host, string database)
    {
        if (!Enabled)
        {
            return;
        }

        var started = ThreadCpu.Now();
        Interlocked.Increment(ref databases);
        try
        {
            using var connection = TestDatabase.UnpooledConnection(database);
            connection.Open();
            ReadValues(host, connection, database, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        }
        catch (Npgsql.NpgsqlException ex)
        {
            AddFinding($"{host}: database {database} could not be read value by value ({ex.Message})");
        }
        finally
        {
            Interlocked.Add(ref databaseCpu, ThreadCpu.Now() - started);
        }
    }

    private static void ReadValues(string host, string path, string name, SqliteOpenMode mode)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        ReadValues(host, connection, name, "SELECT name FROM sqlite_master WHERE type = 'table'");
    }

    private static void ReadValues(string host, System.Data.Common.DbConnection connection, string name, string tablesSql)
    {
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = tablesSql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            using var reader = command.ExecuteReader();
            var text = new StringBuilder();
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        continue;
                    }

                    if (reader.GetValue(i) is byte[] blob)
                    {
                        // SQLite's blobs (encrypted cards) are read raw with the file; PostgreSQL's here.
                        if (connection is not SqliteConnection)
                        {
                            foreach (var finding in CardDataDetector.ScanBytes(blob, utf16: true, knownCardsOnly: true))
                            {
                                AddFinding($"{host}: database {name}, table {table}: {finding.Kind}: {finding.Excerpt}");
                            }
                        }

                        continue;
                    }

                    var column = reader.GetName(i);
                    var value = Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
                    Interlocked.Increment(ref databaseValues);
                    if (CardDataDetector.IsCvcName(column) && value.Length is 3 or 4 && value.All(char.IsAsciiDigit))
                    {
                        AddFinding($"{host}: database {name}, table {table}, column {column}: CVC: a value of {value.Length} digits");
                    }

                    // Each value on its own line after its column's name: no number runs into the next value.
                    text.Append(column).Append('=').Append(value).Append('\n');
                }
            }

            if (table == "SavedCards" && rows > 0)
            {
                Interlocked.Increment(ref databasesWithSavedCards);
            }

            foreach (var finding in CardDataDetector.ScanText(text.ToString()))
            {
                AddFinding($"{host}: database {name}, table {table}: {finding.Kind}: {finding.Excerpt}");
            }
        }
    }
}
