using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// PostgreSQL's migrations (made by <c>dotnet ef</c>, decision 030) against the model, as
/// <see cref="MigrationsTests"/> proves SQLite's: an empty database migrated has exactly the schema
/// <c>EnsureCreated</c> makes (columns with their types, indexes, foreign keys), and the snapshot the
/// next migration starts from is the model. Runs whichever database the suite runs on, when a server answers.
/// </summary>
public sealed class PostgreSqlMigrationsTests : IAsyncLifetime
{
    private readonly string migrated = "oneclick_mig_" + Guid.NewGuid().ToString("N");
    private readonly string created = "oneclick_crt_" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (TestDatabase.PostgreSqlUnreachable is null)
        {
            await TestDatabase.DropAsync(migrated);
            await TestDatabase.DropAsync(created);
        }
    }

    [PostgreSqlFact]
    public async Task Migrations_create_the_same_schema_as_the_model()
    {
        await using (var db = Context(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = Context(created))
        {
            (await db.Database.EnsureCreatedAsync()).ShouldBeTrue();
        }

        var model = await SchemaAsync(created);
        model.Count.ShouldBeGreaterThan(100, "EnsureCreated made the tables; the comparison would prove nothing otherwise.");
        var migration = await SchemaAsync(migrated);
        migration.Except(model).ShouldBeEmpty("in the migrated database, not in the model's");
        model.Except(migration).ShouldBeEmpty("in the model's database, not in the migrated one");
    }

    [PostgreSqlFact]
    public async Task Migrations_apply_twice_without_change_and_the_snapshot_is_the_model()
    {
        await using (var db = Context(migrated))
        {
            db.Database.HasPendingModelChanges().ShouldBeFalse("the model changed since the last PostgreSQL migration: run dotnet ef migrations add (README)");
            await db.Database.MigrateAsync();
        }

        var first = await SchemaAsync(migrated);
        await using (var db = Context(migrated))
        {
            (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
            await db.Database.MigrateAsync();
        }

        (await SchemaAsync(migrated)).ShouldBe(first);
    }

    [PostgreSqlFact]
    public void Each_provider_sees_only_its_own_migrations()
    {
        using var postgres = Context(migrated);
        using var sqlite = new OneClickDbContext(new DbContextOptionsBuilder<OneClickDbContext>()
            .UseSqlite("Data Source=:memory:")
            .ReplaceService<IMigrationsAssembly, ProviderMigrations>()
            .Options);

        var ofPostgres = postgres.Database.GetMigrations().ToList();
        var ofSqlite = sqlite.Database.GetMigrations().ToList();

        ofPostgres.ShouldNotBeEmpty();
        ofSqlite.ShouldContain("20261121000000_Initial");
        ofPostgres.Intersect(ofSqlite).ShouldBeEmpty();
    }

    private static OneClickDbContext Context(string database) => new(new DbContextOptionsBuilder<OneClickDbContext>()
        .UseNpgsql(TestDatabase.ConnectionStringFor(database))
        .ReplaceService<IMigrationsAssembly, ProviderMigrations>()
        .Options);

    /// <summary>Every column (type, nullability, default), index and constraint of the public schema, as text; EF Core's history table left out.</summary>
    private static async Task<List<string>> SchemaAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(database));
        await connection.OpenAsync();
        const string Sql = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || COALESCE('(' || character_maximum_length || ')', '')
                   || CASE WHEN is_nullable = 'YES' THEN ' null' ELSE ' not null' END || COALESCE(' default ' || column_default, '') || COALESCE(' identity ' || identity_generation, '')
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'constraint ' || c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
              FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '"__EFMigrationsHistory"'
            ORDER BY 1
            """;
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
