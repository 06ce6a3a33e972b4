using Microsoft.EntityFrameworkCore;

namespace OneClick.Web.Persistence;

/// <summary>Creates and migrates the database on start, in WAL mode so that readers never wait for a writer.</summary>
public sealed class DatabaseInitializer(OneClickDbContext db, DatabaseOptions options, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (options.Synchronous != Durability.Full)
        {
            logger.LogWarning("OneClick:Database:Synchronous is {Synchronous}: commits do not wait for the disk, and a power cut can lose the last approved sales and their postbacks.", options.Synchronous);
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
