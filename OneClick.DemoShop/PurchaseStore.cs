using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OneClick.DemoShop;

/// <summary>
/// The shop's own store, <c>demoshop.db</c> (SQLite): purchases, balances and each user's newest
/// oneClickToken. Every postback is applied in one transaction keyed by <c>saleID</c>, so that a
/// repeated or concurrent delivery credits a purchase once, and a crash leaves either all of it or none.
/// </summary>
internal sealed partial class PurchaseStore : IDisposable
{
    private readonly string connectionString;

    // One writer at a time inside this process; SQLite's own lock covers other processes.
    private readonly SemaphoreSlim writer = new(1, 1);

    private PurchaseStore(string connectionString) => this.connectionString = connectionString;

    public static async Task<PurchaseStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "demoshop.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        };
        var store = new PurchaseStore(builder.ToString());
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS purchases (
                id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL,
                credits INTEGER NOT NULL,
                price_amount TEXT NOT NULL,
                price_currency TEXT NOT NULL,
                created_at TEXT NOT NULL,
                status TEXT NOT NULL,
                sale_id TEXT NULL UNIQUE,
                paid_at TEXT NULL,
                refunded_at TEXT NULL,
                returned_at TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS purchases_by_user ON purchases (user_id, created_at);
            CREATE TABLE IF NOT EXISTS balances (
                user_id TEXT NOT NULL PRIMARY KEY,
                credits INTEGER NOT NULL
            );
            -- token: the one to send next, NULL once sent or cleared by a decline. sale_id: the newest
            -- sale that set this row, so that an older sale's late postback changes nothing (saleIDs
            -- grow; arrival order does not follow them). used_token: the last one sent, so that its
            -- own sale's repeated postback cannot bring a spent token back.
            CREATE TABLE IF NOT EXISTS one_click_tokens (
                user_id TEXT NOT NULL PRIMARY KEY,
                token TEXT NULL,
                sale_id INTEGER NOT NULL,
                used_token TEXT NULL,
                updated_at TEXT NOT NULL
            );
            -- send_customer_number: 1 (the default, no row) sends the user id as customerNumber, so
            -- that the gateway keeps the user's cards in their customer wallet; 0 leaves it out, so
            -- that it keeps them in the buyer's browser only.
            CREATE TABLE IF NOT EXISTS user_settings (
                user_id TEXT NOT NULL PRIMARY KEY,
                send_customer_number INTEGER NOT NULL
            );
            """, cancellationToken);
        return store;
    }

    /// <summary>Lets the data folder go (tests delete it): pooled connections keep the file open.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        writer.Dispose();
    }

    public async Task<Purchase> CreateAsync(string userId, CreditPackage package, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purchase = new Purchase(NewPurchaseId(), userId, package.Credits, package.PriceAmount, package.PriceCurrency, now, PurchaseStatus.Pending, null, null);
        await WriteAsync(async (connection, transaction) => await ExecuteAsync(connection, transaction,
            "INSERT INTO purchases (id, user_id, credits, price_amount, price_currency, created_at, status) VALUES ($id, $user, $credits, $amount, $currency, $created, $status)", cancellationToken,
            ("$id", purchase.Id), ("$user", userId), ("$credits", package.Credits), ("$amount", package.PriceAmount),
            ("$currency", package.PriceCurrency), ("$created", Text(now)), ("$status", Text(PurchaseStatus.Pending))), cancellationToken);
        return purchase;
    }

    public async Task<Purchase?> FindAsync(string purchaseId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var found = await QueryPurchasesAsync(connection, null, "WHERE id = $id", cancellationToken, ("$id", purchaseId));
        return found.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Purchase>> PurchasesOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await QueryPurchasesAsync(connection, null, "WHERE user_id = $user ORDER BY created_at DESC, id LIMIT 50", cancellationToken, ("$user", userId));
    }

    public async Task<int> BalanceOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT credits FROM balances WHERE user_id = $user", ("$user", userId));
        return await command.ExecuteScalarAsync(cancellationToken) is long credits ? (int)credits : 0;
    }

    /// <summary>Applies a sale postback once per <c>saleID</c>.</summary>
    public Task<SaleOutcome> RecordSaleAsync(SaleNotice sale, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var purchase = (await QueryPurchasesAsync(connection, transaction, "WHERE id = $id", cancellationToken, ("$id", sale.PurchaseId))).SingleOrDefault();
            if (purchase is null)
            {
                return SaleOutcome.UnknownPurchase;
            }

            if (purchase.SaleId == sale.SaleId)
            {
                // Every verified postback's token counts, a repeat's too: the token rules make a
                // repeat harmless, and it corrects a token of this sale that came through the browser.
                await OfferTokenAsync(connection, transaction, purchase.UserId, sale, now, cancellationToken);
                return SaleOutcome.AlreadyCredited;
            }

            if (purchase.SaleId is not null)
            {
                return SaleOutcome.PaidByAnotherSale;
            }

            if (purchase.UserId != sale.UserId || purchase.PriceCurrency != sale.PriceCurrency || !SameAmount(purchase.PriceAmount, sale.PriceAmount))
            {
                return SaleOutcome.Mismatch;
            }

            // One sale pays one purchase: a sale already booked on another purchase credits nothing more.
            var claimed = await QueryPurchasesAsync(connection, transaction, "WHERE sale_id = $sale", cancellationToken, ("$sale", sale.SaleId));
            if (claimed.Count > 0)
            {
                return SaleOutcome.Mismatch;
            }

            await ExecuteAsync(connection, transaction,
                "UPDATE purchases SET status = $paid, sale_id = $sale, paid_at = $now WHERE id = $id", cancellationToken,
                ("$paid", Text(PurchaseStatus.Paid)), ("$sale", sale.SaleId), ("$now", Text(now)), ("$id", purchase.Id));
            await ExecuteAsync(connection, transaction,
                "INSERT INTO balances (user_id, credits) VALUES ($user, $credits) ON CONFLICT (user_id) DO UPDATE SET credits = credits + excluded.credits", cancellationToken,
                ("$user", purchase.UserId), ("$credits", purchase.Credits));
            await OfferTokenAsync(connection, transaction, purchase.UserId, sale, now, cancellationToken);
            return SaleOutcome.Credited;
        }, cancellationToken);

    /// <summary>
    /// Applies a refund postback once per <c>saleID</c>: the purchase's credits go, the balance not
    /// below 0. A refund of a sale whose postback never got through (the gateway refunds those by
    /// itself) closes the purchase with nothing to take back.
    /// </summary>
    public Task<RefundOutcome> RecordRefundAsync(string saleId, string? purchaseId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var purchase = (await QueryPurchasesAsync(connection, transaction, "WHERE sale_id = $sale", cancellationToken, ("$sale", saleId))).SingleOrDefault();
            if (purchase is null)
            {
                var unpaid = purchaseId is null ? null
                    : (await QueryPurchasesAsync(connection, transaction, "WHERE id = $id AND sale_id IS NULL", cancellationToken, ("$id", purchaseId))).SingleOrDefault();
                if (unpaid is null)
                {
                    return RefundOutcome.UnknownSale;
                }

                await ExecuteAsync(connection, transaction,
                    "UPDATE purchases SET status = $refunded, sale_id = $sale, refunded_at = $now WHERE id = $id", cancellationToken,
                    ("$refunded", Text(PurchaseStatus.Refunded)), ("$sale", saleId), ("$now", Text(now)), ("$id", unpaid.Id));
                return RefundOutcome.Refunded;
            }

            if (purchase.Status == PurchaseStatus.Refunded)
            {
                return RefundOutcome.AlreadyRefunded;
            }

            await ExecuteAsync(connection, transaction,
                "UPDATE purchases SET status = $refunded, refunded_at = $now WHERE id = $id", cancellationToken,
                ("$refunded", Text(PurchaseStatus.Refunded)), ("$now", Text(now)), ("$id", purchase.Id));
            await ExecuteAsync(connection, transaction,
                "UPDATE balances SET credits = MAX(0, credits - $credits) WHERE user_id = $user", cancellationToken,
                ("$credits", purchase.Credits), ("$user", purchase.UserId));
            return RefundOutcome.Refunded;
        }, cancellationToken);

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work, CancellationToken cancellationToken) =>
        await WriteAsync<bool>(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            // BEGIN IMMEDIATE: the write lock is taken before anything is read.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            writer.Release();
        }
    }

    private static async Task<List<Purchase>> QueryPurchasesAsync(SqliteConnection connection, SqliteTransaction? transaction, string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction,
            "SELECT id, user_id, credits, price_amount, price_currency, created_at, status, sale_id, returned_at FROM purchases " + where, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var purchases = new List<Purchase>();
        while (await reader.ReadAsync(cancellationToken))
        {
            purchases.Add(new Purchase(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4),
                Time(reader.GetString(5)),
                Enum.Parse<PurchaseStatus>(reader.GetString(6), ignoreCase: true),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : Time(reader.GetString(8))));
        }

        return purchases;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static bool SameAmount(string ours, string theirs) =>
        decimal.TryParse(theirs, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
        && amount == decimal.Parse(ours, CultureInfo.InvariantCulture);

    // Two groups of 8 letters (64 random bits, each half-byte a letter from a to p): no digit at all, so
    // never a card number. Hex groups were not enough: two groups of digits joined by a dash read as one
    // 14-digit number, and CI's card-data sweep once found one that passed Luhn.
    private static string NewPurchaseId()
    {
        var letters = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)
            .SelectMany(b => new[] { (char)('a' + (b >> 4)), (char)('a' + (b & 0xF)) }).ToArray();
        return $"ds-{new string(letters, 0, 8)}-{new string(letters, 8, 8)}";
    }

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Text(PurchaseStatus status) => status.ToString().ToLowerInvariant();

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
