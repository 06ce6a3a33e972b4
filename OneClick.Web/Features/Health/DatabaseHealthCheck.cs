using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Health;

/// <summary>
/// The database answers and has every migration this version needs (its provider's, <see cref="ProviderMigrations"/>),
/// and holds an active shop to take orders for (Unhealthy without one: docs/protocol.md section 9 answers 200 only once the gateway can take orders). Migrations run when a node
/// starts (<see cref="DatabaseInitializer"/>) and are never undone, so once none is pending that answer
/// is kept (<see cref="MigrationsApplied"/>) and each later check costs one count of shops.
/// </summary>
public sealed class DatabaseHealthCheck(OneClickDbContext db, MigrationsApplied migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!migrations.Known)
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count > 0)
                {
                    return HealthCheckResult.Unhealthy(
                        $"The database lacks {pending.Count} migration(s) this version needs (the first: {pending[0]}): this node takes no orders. " +
                        "Migrations run when a node starts: restart it, and if they fail again its start-up log says why.",
                        data: new Dictionary<string, object> { ["pendingMigrations"] = pending.Count });
                }

                migrations.Known = true;
            }

            var activeShops = await db.Shops.AsNoTracking().CountAsync(s => s.IsActive, cancellationToken);
            var data = new Dictionary<string, object> { ["pendingMigrations"] = 0, ["activeShops"] = activeShops };
            return activeShops > 0
                ? HealthCheckResult.Healthy($"The database answers, is migrated, and has {activeShops} active shop(s).", data)
                : HealthCheckResult.Unhealthy(
                    "The database answers and is migrated, but has no active shop: no order can be taken yet. " +
                    "Create a shop in the Personal Account (Shops), or seed one at start (OneClick:Seed).",
                    data: data);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            // The type only: a driver's message may name the server, its port or its user.
            return HealthCheckResult.Unhealthy(
                $"This node cannot reach its database ({ex.GetType().Name}): it takes no orders. " +
                "Check that the database server runs and that OneClick:Database:ConnectionString points at it; the node's log has the details.");
        }
    }
}

/// <summary>Whether this node has seen its database with no migration pending: true from then on (migrations are never undone).</summary>
public sealed class MigrationsApplied
{
    private volatile bool known;

    public bool Known
    {
        get => known;
        set => known = value;
    }
}
