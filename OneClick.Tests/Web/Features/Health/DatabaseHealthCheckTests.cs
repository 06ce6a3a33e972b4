using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneClick.Web.Features.Health;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Features.Health;

/// <summary>The database check on a database that does not answer (HealthEndpointTests has the gateway's own, migrated or not).</summary>
public sealed class DatabaseHealthCheckTests
{
    [Fact]
    public async Task Unreachable_database_is_unhealthy_and_says_what_to_check_without_the_drivers_message()
    {
        var options = new DbContextOptionsBuilder<OneClickDbContext>()
            .UseSqlite($"Data Source={Path.Combine(Path.GetTempPath(), "oneclick-tests", "no-such-folder-" + Guid.NewGuid().ToString("N"), "oneclick.db")};Mode=ReadOnly")
            .ReplaceService<IMigrationsAssembly, ProviderMigrations>()
            .Options;
        await using var db = new OneClickDbContext(options);
        // As on a running node: it found its database migrated at start, and has lost it since.
        var migrations = new MigrationsApplied { Known = true };

        var result = await new DatabaseHealthCheck(db, migrations).CheckHealthAsync(new HealthCheckContext());

        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Description.ShouldBe(
            "This node cannot reach its database (SqliteException): it takes no orders. " +
            "Check that the database server runs and that OneClick:Database:ConnectionString points at it; the node's log has the details.");
        result.Data.ShouldBeEmpty();
    }
}
