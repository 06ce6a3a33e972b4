using Microsoft.Data.Sqlite;

namespace OneClick.Tests.Infrastructure;

/// <summary>The sweep itself: a database a killed process left behind is still read value by value.</summary>
public sealed class CardDataSweepDatabaseTests
{
    private static readonly string[] FileSuffixes = ["", "-wal", "-shm", "-journal"];

    [Theory]
    [InlineData("WAL")] // the gateway's own databases
    [InlineData("DELETE")] // a rollback journal (as the retired Quartz store kept), hot after a kill mid-transaction
    public void DataDirectory_database_a_writer_was_killed_on_is_read_value_by_value(string journalMode)
    {
        using var live = new TemporaryFolder("oneclick-sweep-live");
        using var crashed = new TemporaryFolder("oneclick-sweep-crashed");
        var host = "sweep test (killed writer) " + Guid.NewGuid().ToString("N");
        using (var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = live.PathOf("scheduler.db"), Pooling = false }.ToString()))
        {
            writer.Open();
            using var command = writer.CreateCommand();
            command.CommandText = $"""
                PRAGMA journal_mode = {journalMode}; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = 1;
                CREATE TABLE Jobs (Name TEXT); INSERT INTO Jobs VALUES ('expire tokens');
                BEGIN;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                INSERT INTO Jobs SELECT hex(randomblob(500)) FROM n;
                """;
            command.ExecuteNonQuery();

            // What a SIGKILL mid-transaction leaves, copied while the writer still has it open: the
            // database with its WAL (frames never checkpointed) and shared-memory index, or a hot
            // journal (a one-page cache spills, which syncs the journal's header).
            foreach (var suffix in FileSuffixes.Where(s => File.Exists(live.PathOf("scheduler.db" + s))))
            {
                File.Copy(live.PathOf("scheduler.db" + suffix), crashed.PathOf("scheduler.db" + suffix));
            }
        }

        CardDataSweep.DataDirectory(host, crashed.Path);

        CardDataSweep.Findings.Where(f => f.StartsWith(host, StringComparison.Ordinal)).ShouldBeEmpty();
        var leftover = journalMode == "WAL" ? "scheduler.db-wal" : "scheduler.db-journal";
        File.Exists(crashed.PathOf(leftover)).ShouldBeTrue("the sweep read a copy and left the crash's files as they were");
    }
}
