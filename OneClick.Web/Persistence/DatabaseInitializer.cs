using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

/// <summary>
/// Creates and migrates the database on start: SQLite in WAL mode so that readers never wait for a
/// writer. Nodes of one PostgreSQL gateway may start together: EF Core's migration lock lets one migrate.
/// </summary>
public sealed class DatabaseInitializer(OneClickDbContext db, DatabaseOptions options, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (options.Synchronous != Durability.Full && !options.IsPostgreSql)
        {
            logger.LogWarning("OneClick:Database:Synchronous is {Synchronous}: commits do not wait for the disk, and a power cut can lose the last approved sales and their postbacks.", options.Synchronous);
        }

        if (options.IsPostgreSql)
        {
            // The server may have no such database yet: migrating creates it.
            var exists = await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken);
            var missing = exists ? (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList() : db.Database.GetMigrations().ToList();
            if (missing.Count > 0)
            {
                logger.LogInformation("Applying {Count} database migration(s): {Migrations}", missing.Count, string.Join(", ", missing));
                await db.Database.MigrateAsync(cancellationToken);
            }

            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
