using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// The migrations are written by hand (EF Core's design package cannot be restored here), so this
/// proves them: an empty database migrated to the latest migration must have exactly the schema that
/// <c>EnsureCreated</c> makes from the current model: tables, columns, indexes and foreign keys.
/// EF Core's own bookkeeping tables (__EFMigrationsHistory, __EFMigrationsLock) are left out.
/// </summary>
public sealed class MigrationsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("oneclick-migrations");

    public void Dispose() => _folder.Dispose();

    [SqliteFact]
    public async Task Migrations_create_the_same_schema_as_the_model()
    {
        var migrated = ConnectionString("migrated.db");
        var created = ConnectionString("created.db");

        await using (var db = CreateContext(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = CreateContext(created))
        {
            (await db.Database.EnsureCreatedAsync()).ShouldBeTrue();
        }

        var migration = await ReadSchemaAsync(migrated);
        var model = await ReadSchemaAsync(created);

        model.ShouldNotBeEmpty("EnsureCreated made no tables; the comparison would prove nothing.");
        var differences = Compare(migration, model);
        differences.ShouldBeEmpty(
            "The hand-written migrations do not create the schema of the current model:" + Environment.NewLine
            + string.Join(Environment.NewLine, differences));
    }

    [SqliteFact]
    public async Task Migrations_apply_twice_without_change()
    {
        var connectionString = ConnectionString("twice.db");

        await using (var db = CreateContext(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        var schemaAfterFirst = await ReadSchemaAsync(connectionString);
        var historyAfterFirst = await ReadHistoryAsync(connectionString);

        await using (var db = CreateContext(connectionString))
        {
            (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
            await db.Database.MigrateAsync();
        }

        historyAfterFirst.ShouldNotBeEmpty();
        (await ReadHistoryAsync(connectionString)).ShouldBe(historyAfterFirst);
        var differences = Compare(await ReadSchemaAsync(connectionString), schemaAfterFirst);
        differences.ShouldBeEmpty(
            "Migrating a second time changed the schema (\"migration\" = after the second run, \"model\" = after the first):"
            + Environment.NewLine + string.Join(Environment.NewLine, differences));
    }

    [SqliteFact]
    public async Task Migrate_on_an_empty_database_logs_no_warning()
    {
        var logs = new CapturedLogs();
        using (var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)))
        {
            await using var db = CreateContext(ConnectionString("first-start.db"), loggerFactory);
            await db.Database.MigrateAsync();
        }

        logs.Lines.ShouldContain(line => line.Contains("Applying migration '20261122120000_CustomerWallets'", StringComparison.Ordinal), "EF Core's log never reached the test");
        logs.Lines.Where(line => line.StartsWith("Warning ", StringComparison.Ordinal) || line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [SqliteFact]
    public async Task Every_migration_runs_inside_the_migration_transaction_up_and_down()
    {
        await using var db = CreateContext(ConnectionString("generated.db"));
        var migrations = db.GetService<IMigrationsAssembly>();
        var generator = db.GetService<IMigrationsSqlGenerator>();
        var outside = new List<string>();
        foreach (var (id, type) in migrations.Migrations)
        {
            var migration = migrations.CreateMigration(type, db.Database.ProviderName!);
            outside.AddRange(generator.Generate(migration.UpOperations).Where(c => c.TransactionSuppressed).Select(c => $"{id} up: {c.CommandText.Trim()}"));
            outside.AddRange(generator.Generate(migration.DownOperations).Where(c => c.TransactionSuppressed).Select(c => $"{id} down: {c.CommandText.Trim()}"));
        }

        migrations.Migrations.ShouldNotBeEmpty();
        // Outside the transaction a migration commits in parts: a crash between them leaves it half applied.
        outside.ShouldBeEmpty(string.Join(Environment.NewLine, outside));
    }

    [SqliteFact]
    public void Every_migration_has_a_down()
    {
        var migrations = typeof(OneClickDbContext).Assembly.GetTypes()
            .Where(t => typeof(Migration).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

        migrations.ShouldNotBeEmpty("no migration types were found in OneClick.Web");

        var missing = new List<string>();
        foreach (var type in migrations)
        {
            var down = type.GetMethod(
                "Down",
                BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly,
                [typeof(MigrationBuilder)]);
            if (down is null)
            {
                missing.Add($"{type.Name}: does not override Down");
                continue;
            }

            // An override that does nothing is no better than none: Down must undo something.
            var migration = (Migration)Activator.CreateInstance(type, nonPublic: true)!;
            if (migration.DownOperations.Count == 0)
            {
                missing.Add($"{type.Name}: Down is empty");
            }
        }

        missing.ShouldBeEmpty(string.Join(Environment.NewLine, missing));
    }

    [SqliteFact]
    public async Task Migrations_revert_to_an_empty_database_and_apply_again()
    {
        var connectionString = ConnectionString("revert.db");
        await using (var db = CreateContext(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        var latest = await ReadSchemaAsync(connectionString);
        await using (var db = CreateContext(connectionString))
        {
            // SQLite's own DROP COLUMN and table rebuilds: EF Core cannot generate them without a model.
            await db.GetService<IMigrator>().MigrateAsync(Migration.InitialDatabase);
        }

        (await ReadSchemaAsync(connectionString)).ShouldBeEmpty();
        await using (var db = CreateContext(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        Compare(await ReadSchemaAsync(connectionString), latest).ShouldBeEmpty();
    }

    [SqliteFact]
    public async Task CustomerWallets_migration_keeps_shops_and_browser_wallets_and_reverts_cleanly()
    {
        var connectionString = ConnectionString("customers.db");
        await using (var db = CreateContext(connectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261122000000_OneClick");
        }

        await SqliteScript.ExecuteAsync(
            connectionString,
            """
            INSERT INTO Merchants (Id, Name, CreatedAt) VALUES (1, 'Acme', '2026-01-01 00:00:00');
            INSERT INTO Shops (Id, MerchantId, Name, WebsiteUrl, AllowedRedirectHosts, Currencies, IsActive, AcceptLegacySha1, OneClickEnabled, CreatedAt, PostbackRetrySchedule)
                VALUES (64233, 1, 'Shop A', 'https://a.example/', '["a.example"]', '["EUR"]', 1, 0, 1, '2026-01-01 00:00:00', '60,300');
            INSERT INTO ShopSignatureKeys (ShopId, Secret, CreatedAt) VALUES (64233, 'secret-0123456789abcdef', '2026-01-01 00:00:00');
            INSERT INTO Wallets (Id, ShopId, BrowserIdHash, CreatedAt) VALUES (5, 64233, 'hash-of-a-browser', '2026-01-02 00:00:00');
            INSERT INTO SavedCards (WalletId, Brand, Bin, LastFour, ExpiryYear, ExpiryMonth, EncryptedPan, KeyId, Fingerprint, Confirmed, SuccessfulPayments, CreatedAt)
                VALUES (5, 'Visa', '424242', '4242', 2030, 12, x'010203', 'k1', 'fp', 1, 1, '2026-01-02 00:00:00');
            """);

        await using (var db = CreateContext(connectionString))
        {
            await db.Database.MigrateAsync();
            var shop = await db.Shops.Include(s => s.CustomerUnion).SingleAsync();
            shop.CustomerUnionId.ShouldBe(64233);
            shop.CustomerUnion!.Name.ShouldBe("Shop A");
            shop.SavedCardMinimumPayments.ShouldBe(1);
            shop.PostbackRetrySchedule.ShouldBe("60,300");
            shop.ActiveKeys.ShouldBe(["secret-0123456789abcdef"]);
            var wallet = await db.Wallets.Include(w => w.Cards).SingleAsync();
            (wallet.ShopId, wallet.BrowserIdHash, wallet.CustomerId).ShouldBe((64233, "hash-of-a-browser", null));
            wallet.Cards.Single().LastFour.ShouldBe("4242");
        }

        (await QueryAsync(connectionString, "PRAGMA foreign_key_check")).ShouldBeEmpty();
        var latest = await ReadSchemaAsync(connectionString);

        await using (var db = CreateContext(connectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261122000000_OneClick");
        }

        (await QueryAsync(connectionString, "SELECT Id FROM Wallets")).Single()["Id"].ShouldBe(5L);
        (await QueryAsync(connectionString, "PRAGMA foreign_key_check")).ShouldBeEmpty();
        await using (var db = CreateContext(connectionString))
        {
            await db.Database.MigrateAsync();
        }

        Compare(await ReadSchemaAsync(connectionString), latest).ShouldBeEmpty();
    }

    private static async Task<List<Dictionary<string, object?>>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return await QueryAsync(connection, sql);
    }

    private string ConnectionString(string fileName) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = _folder.PathOf(fileName),
            Pooling = false,
        }.ToString();

    private static OneClickDbContext CreateContext(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var options = new DbContextOptionsBuilder<OneClickDbContext>()
            .UseSqlite(connectionString)
            .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, ProviderMigrations>()
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        return new(loggerFactory is null ? options.Options : options.UseLoggerFactory(loggerFactory).Options);
    }

    /// <summary>Lines of the form "key: migration X, model Y" for every key whose description differs.</summary>
    private static List<string> Compare(SortedDictionary<string, string> migration, SortedDictionary<string, string> model) =>
        migration.Keys.Union(model.Keys)
            .Order(StringComparer.Ordinal)
            .Select(key => (key, a: migration.GetValueOrDefault(key), b: model.GetValueOrDefault(key)))
            .Where(x => x.a != x.b)
            .Select(x => $"{x.key}: migration {x.a ?? "(missing)"}, model {x.b ?? "(missing)"}")
            .ToList();

    /// <summary>
    /// The schema as a flat, sorted map from a readable key ("Orders.Amount", "index Orders.IX_…",
    /// "foreign key Sales(OrderId)") to a readable description, read through PRAGMA queries.
    /// </summary>
    private static async Task<SortedDictionary<string, string>> ReadSchemaAsync(string connectionString)
    {
        var schema = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();

        var tables = await QueryAsync(
            connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('__EFMigrationsHistory', '__EFMigrationsLock')");

        foreach (var table in tables)
        {
            var name = (string)table["name"]!;
            var sql = table["sql"] as string ?? "";
            schema[$"table {name}"] = Regex.IsMatch(sql, @"\bAUTOINCREMENT\b", RegexOptions.IgnoreCase)
                ? "exists, with AUTOINCREMENT"
                : "exists, without AUTOINCREMENT";

            foreach (var column in await QueryAsync(connection, $"PRAGMA table_info({Quote(name)})"))
            {
                var description = $"{column["type"]} {((long)column["notnull"]! == 1 ? "NOT NULL" : "NULL")}";
                if (column["dflt_value"] is string defaultValue)
                {
                    description += $" DEFAULT {defaultValue}";
                }

                if ((long)column["pk"]! > 0)
                {
                    description += $" PK {column["pk"]}";
                }

                schema[$"{name}.{column["name"]}"] = description;
            }

            foreach (var index in await QueryAsync(connection, $"PRAGMA index_list({Quote(name)})"))
            {
                var indexName = (string)index["name"]!;
                if (indexName.StartsWith("sqlite_autoindex_", StringComparison.Ordinal))
                {
                    continue;
                }

                var columns = (await QueryAsync(connection, $"PRAGMA index_info({Quote(indexName)})"))
                    .OrderBy(c => (long)c["seqno"]!)
                    .Select(c => c["name"] as string ?? "(expression)");
                var description = $"{((long)index["unique"]! == 1 ? "UNIQUE" : "NOT UNIQUE")} ({string.Join(", ", columns)})";
                if ((long)index["partial"]! == 1)
                {
                    var indexSql = (await QueryAsync(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = {QuoteLiteral(indexName)}"))
                        .Single()["sql"] as string ?? "";
                    var where = indexSql.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase);
                    description += where >= 0 ? $" PARTIAL{indexSql[where..]}" : " PARTIAL";
                }

                schema[$"index {name}.{indexName}"] = description;
            }

            var foreignKeys = (await QueryAsync(connection, $"PRAGMA foreign_key_list({Quote(name)})"))
                .GroupBy(fk => (long)fk["id"]!);
            foreach (var foreignKey in foreignKeys)
            {
                var rows = foreignKey.OrderBy(fk => (long)fk["seq"]!).ToList();
                var from = string.Join(", ", rows.Select(fk => (string)fk["from"]!));
                var to = string.Join(", ", rows.Select(fk => fk["to"] as string ?? "(primary key)"));
                schema[$"foreign key {name}({from})"] = $"references {rows[0]["table"]}({to}) ON DELETE {rows[0]["on_delete"]}";
            }
        }

        return schema;
    }

    private static async Task<List<string>> ReadHistoryAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return (await QueryAsync(connection, "SELECT MigrationId, ProductVersion FROM __EFMigrationsHistory ORDER BY MigrationId"))
            .Select(r => $"{r["MigrationId"]} {r["ProductVersion"]}")
            .ToList();
    }

    private static async Task<List<Dictionary<string, object?>>> QueryAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''") + "'";
}
