using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence.Migrations;

/// <summary>
/// The customer-wallets migration rebuilds Shops and Wallets inside the migration's transaction, with
/// foreign keys on (decision 002): nothing that points at them may be lost on the way, up or down.
/// </summary>
public sealed class CustomerWalletsMigrationTests : IDisposable
{
    private const string Before = "20261122000000_OneClick";
    private readonly TemporaryFolder folder = new("oneclick-migrations");

    public void Dispose() => folder.Dispose();

    [SqliteFact]
    public async Task Up_and_down_keep_every_row_of_every_table_and_the_wallets_sequence()
    {
        var connectionString = await DatabaseBeforeAsync("rows.db");
        // Rows in every table that points at Shops or Wallets, by cascade (keys, cards, the cards'
        // tokens) or by restrict (orders, postbacks, wallets, tokens); wallet 9 was deleted, so the
        // highest wallet id ever given out (the sequence) is above the highest one left.
        await SqliteScript.ExecuteAsync(
            connectionString,
            """
            INSERT INTO Merchants (Id, Name, CreatedAt) VALUES (1, 'Acme', '2026-01-01 00:00:00');
            INSERT INTO Shops (Id, MerchantId, Name, WebsiteUrl, AllowedRedirectHosts, Currencies, IsActive, AcceptLegacySha1, OneClickEnabled, CreatedAt)
                VALUES (64233, 1, 'Shop A', 'https://a.example/', '["a.example"]', '["EUR"]', 1, 0, 1, '2026-01-01 00:00:00'),
                       (64234, 1, 'Shop B', 'https://b.example/', '["b.example"]', '["EUR"]', 1, 0, 1, '2026-01-01 00:00:00');
            INSERT INTO ShopSignatureKeys (ShopId, Secret, CreatedAt) VALUES (64233, 'secret-a', '2026-01-01 00:00:00'), (64234, 'secret-b', '2026-01-01 00:00:00');
            INSERT INTO Orders (Id, ShopId, Version, Amount, Currency, Description, PaymentMethod, State, CreatedAt, UpdatedAt, ConcurrencyStamp)
                VALUES ('order-1', 64233, '3.4', '9.99', 'EUR', '100 credits', 'card', 'Paid', '2026-01-02 00:00:00', '2026-01-02 00:00:00', 1);
            INSERT INTO Sales (Id, OrderId, ShopId, Amount, Currency, PaymentMethod, Brand, TruncatedPan, Result, ThreeDSecureChallenged, CreatedAt, UpdatedAt, SavedCardId)
                VALUES (1, 'order-1', 64233, '9.99', 'EUR', 'card', 'Visa', '424242XXXXXX4242', 'Approved', 0, '2026-01-02 00:00:00', '2026-01-02 00:00:00', 1);
            INSERT INTO PostbackDeliveries (ShopId, SaleId, Kind, Url, State, Attempts, NextAttemptAt, CreatedAt)
                VALUES (64233, 1, 'Sale', 'https://a.example/postback', 'Delivered', 1, '2026-01-02 00:00:00', '2026-01-02 00:00:00');
            INSERT INTO Wallets (Id, ShopId, BrowserIdHash, CreatedAt) VALUES (5, 64233, 'browser-a', '2026-01-02 00:00:00'), (9, 64234, 'browser-b', '2026-01-02 00:00:00');
            DELETE FROM Wallets WHERE Id = 9;
            INSERT INTO SavedCards (Id, WalletId, Brand, Bin, LastFour, ExpiryYear, ExpiryMonth, EncryptedPan, KeyId, Fingerprint, Confirmed, SuccessfulPayments, CreatedAt)
                VALUES (1, 5, 'Visa', '424242', '4242', 2030, 12, x'010203', 'k1', 'fp', 1, 1, '2026-01-02 00:00:00');
            INSERT INTO OneClickTokens (ShopId, SavedCardId, BrowserIdHash, Seed, TokenHash, IssuedBySaleId, State, IssuedAt, ExpiresAt)
                VALUES (64233, 1, 'browser-a', x'0405', 'token-hash', 1, 'Active', '2026-01-02 00:00:00', '2026-02-02 00:00:00');
            """);
        var before = await RowsAsync(connectionString);
        Format(before["sqlite_sequence"]).ShouldContain("name=Wallets, seq=9");

        await MigrateAsync(connectionString, target: null);

        var after = await RowsAsync(connectionString);
        foreach (var (table, rows) in before)
        {
            // In the columns they had before: columns the migration added are left out.
            var columns = rows.SelectMany(r => r.Select(c => c.Column)).ToHashSet(StringComparer.Ordinal);
            var kept = Format(after[table], columns);
            if (table == "sqlite_sequence")
            {
                Format(rows).ShouldBeSubsetOf(kept, "a table's highest id was forgotten");
            }
            else
            {
                kept.ShouldBe(Format(rows), $"{table} lost or changed rows");
            }
        }

        (await QueryAsync(connectionString, "PRAGMA foreign_key_check")).ShouldBeEmpty();

        await MigrateAsync(connectionString, Before);

        var reverted = await RowsAsync(connectionString);
        reverted.Keys.Order(StringComparer.Ordinal).ShouldBe(before.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, rows) in before)
        {
            Format(reverted[table]).ShouldBe(Format(rows), $"{table} is not as it was before the migration");
        }

        (await QueryAsync(connectionString, "PRAGMA foreign_key_check")).ShouldBeEmpty();
    }

    [SqliteFact]
    public async Task Up_over_a_dangling_reference_fails_at_the_commit_and_leaves_the_database_as_it_was()
    {
        var connectionString = await DatabaseBeforeAsync("dangling.db");
        // Foreign keys were off when this wallet was written: its shop does not exist.
        await SqliteScript.ExecuteAsync(
            connectionString,
            """
            PRAGMA foreign_keys = 0;
            INSERT INTO Wallets (Id, ShopId, BrowserIdHash, CreatedAt) VALUES (5, 404, 'browser-a', '2026-01-02 00:00:00');
            """);
        var before = await RowsAsync(connectionString);
        var tablesBefore = await QueryAsync(connectionString, "SELECT name, sql FROM sqlite_master ORDER BY name");

        var failure = await Should.ThrowAsync<SqliteException>(() => MigrateAsync(connectionString, target: null));

        failure.Message.ShouldContain("FOREIGN KEY constraint failed");
        var after = await RowsAsync(connectionString);
        after.Keys.Order(StringComparer.Ordinal).ShouldBe(before.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, rows) in before)
        {
            Format(after[table]).ShouldBe(Format(rows), $"{table} changed although the migration failed");
        }

        (await QueryAsync(connectionString, "SELECT name, sql FROM sqlite_master ORDER BY name")).ShouldBe(tablesBefore);
    }

    private async Task<string> DatabaseBeforeAsync(string fileName)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = folder.PathOf(fileName), Pooling = false }.ToString();
        await MigrateAsync(connectionString, Before);
        return connectionString;
    }

    private static async Task MigrateAsync(string connectionString, string? target)
    {
        await using var db = new OneClickDbContext(new DbContextOptionsBuilder<OneClickDbContext>()
            .UseSqlite(connectionString)
            .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, ProviderMigrations>()
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning))
            .Options);
        await db.GetService<IMigrator>().MigrateAsync(target);
    }

    /// <summary>Every table's rows, EF Core's own tables left out.</summary>
    private static async Task<Dictionary<string, List<IReadOnlyList<(string Column, string? Value)>>>> RowsAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return (await DatabaseFile.RowsAsync(connection))
            .Where(t => !t.Key.StartsWith("__EF", StringComparison.Ordinal))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
    }

    /// <summary>Rows as "column=value, ..." text (only the columns named, when named), sorted.</summary>
    private static List<string> Format(IEnumerable<IReadOnlyList<(string Column, string? Value)>> rows, HashSet<string>? columns = null) =>
        rows.Select(row => string.Join(", ", row.Where(c => columns is null || columns.Contains(c.Column)).Select(c => $"{c.Column}={c.Value ?? "NULL"}")))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
