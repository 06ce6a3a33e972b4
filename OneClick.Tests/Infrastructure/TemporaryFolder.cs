using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>A fresh folder under the system's temp folder for a test's SQLite files, deleted with the test.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string PathOf(string fileName) => System.IO.Path.Combine(Path, fileName);

    public void Dispose()
    {
        // Pooled connections keep the files open; a leftover temp folder is harmless.
        SqliteConnection.ClearAllPools();
        if (TestDatabase.IsPostgreSql)
        {
            // A gateway process started on this folder had a PostgreSQL database named after it.
            Task.Run(() => TestDatabase.DropAsync(TestDatabase.NameFor(Path))).GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
