using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneClick.Web.Persistence;

/// <summary>
/// Makes a connection that finds the database locked by a writer wait inside SQLite instead of
/// Microsoft.Data.Sqlite's retry after 150 ms sleeps, which is what made one-click latencies step up
/// under load (see the README's benchmark). Set on the native handle when the connection opens, not by
/// a PRAGMA statement: connections used to be opened for every query, and preparing a statement each
/// time cost more than many of the queries. A context's connection now stays open (decision 025), so
/// this runs about once per connection.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const int Milliseconds = 5000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection) =>
        SQLitePCL.raw.sqlite3_busy_timeout(((SqliteConnection)connection).Handle, Milliseconds);
}
