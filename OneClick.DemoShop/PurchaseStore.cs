using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OneClick.DemoShop;

internal enum PurchaseStatus
{
    /// <summary>Sent to the gateway; no postback yet.</summary>
    Pending,

    /// <summary>The gateway's postback arrived: the credits are on the user's balance.</summary>
    Paid,

    /// <summary>The buyer came back through the decline URL (a later postback still credits it).</summary>
    Declined,

    /// <summary>A <c>event=credit</c> postback took the credits back.</summary>
    Refunded,
}

internal sealed record Purchase(
    string Id,
    string UserId,
    int Credits,
    string PriceAmount,
    string PriceCurrency,
    DateTimeOffset CreatedAt,
    PurchaseStatus Status,
    string? SaleId,
    DateTimeOffset? ReturnedAt);

/// <summary>What the gateway's postback says about a sale; <see cref="OneClickToken"/> when it issued one.</summary>
internal sealed record SaleNotice(string SaleId, string PurchaseId, string UserId, string PriceAmount, string PriceCurrency, string? OneClickToken = null);

internal enum SaleOutcome
{
    Credited,
    AlreadyCredited,
    UnknownPurchase,

    /// <summary>The postback does not describe the purchase we sent (user, amount or currency differ).</summary>
    Mismatch,

    /// <summary>The purchase was already paid by another sale.</summary>
    PaidByAnotherSale,
}

internal enum TokenOutcome
{
    /// <summary>The token is now the user's one to send next.</summary>
    Stored,

    /// <summary>The user already had this token from this sale.</summary>
    Unchanged,

    /// <summary>A newer sale already gave the user a token (or a decline after it cleared it).</summary>
    Outdated,

    /// <summary>The shop already sent this token once; a token is single-use.</summary>
    AlreadyUsed,
}

internal enum RefundOutcome
{
    Refunded,
    AlreadyRefunded,
    UnknownSale,
}

/// <summary>
/// The shop's own store, <c>demoshop.db</c> (SQLite): purchases, balances and each user's newest
/// oneClickToken. Every postback is applied in one transaction keyed by <c>saleID</c>, so that a
/// repeated or concurrent delivery credits a purchase once, and a crash leaves either all of it or none.
/// </summary>
internal sealed class PurchaseStore : IDisposable
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

    /// <summary>Whether the user's startorders carry their user id as <c>customerNumber</c>; yes unless they switched it off.</summary>
    public async Task<bool> SendsCustomerNumberAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT send_customer_number FROM user_settings WHERE user_id = $user", ("$user", userId));
        return await command.ExecuteScalarAsync(cancellationToken) is not long send || send != 0;
    }

    public Task SetSendsCustomerNumberAsync(string userId, bool send, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction, """
            INSERT INTO user_settings (user_id, send_customer_number) VALUES ($user, $send)
            ON CONFLICT (user_id) DO UPDATE SET send_customer_number = excluded.send_customer_number
            """, cancellationToken, ("$user", userId), ("$send", send ? 1 : 0)), cancellationToken);

    /// <summary>The token to offer on the user's next "buy again with one click", if any.</summary>
    public async Task<string?> OneClickTokenOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT token FROM one_click_tokens WHERE user_id = $user", ("$user", userId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// A token the gateway gave for <paramref name="saleId"/>: it becomes the user's unless a newer
    /// sale's is already there or the shop has sent it once. <paramref name="authenticated"/>: it came
    /// from the gateway's server (postback, status page), not through the buyer's browser, where
    /// the token is not covered by the signature; such a token wins over another of the same sale.
    /// </summary>
    public Task<TokenOutcome> StoreOneClickTokenAsync(string userId, long saleId, string token, bool authenticated, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => StoreTokenAsync(connection, transaction, userId, saleId, token, authenticated, now, cancellationToken), cancellationToken);

    /// <summary>Takes the user's token to send it: single-use, so the shop forgets it until the next one arrives.</summary>
    public Task<string?> TakeOneClickTokenAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var read = Command(connection, transaction, "SELECT token FROM one_click_tokens WHERE user_id = $user", ("$user", userId));
            if (await read.ExecuteScalarAsync(cancellationToken) is not string token)
            {
                return null;
            }

            await ExecuteAsync(connection, transaction,
                "UPDATE one_click_tokens SET token = NULL, used_token = $token, updated_at = $now WHERE user_id = $user", cancellationToken,
                ("$token", token), ("$now", Text(now)), ("$user", userId));
            return token;
        }, cancellationToken);

    /// <summary>
    /// A decline may have spent the user's token (a declined one-click sale invalidates it), so the
    /// shop forgets it. With the declined <paramref name="saleId"/>, only a token from an older sale
    /// goes, and older sales' late postbacks stay out: a decline page opened again later must not
    /// clear a newer sale's token. False when a newer sale's token was kept.
    /// </summary>
    public Task<bool> ClearOneClickTokenAfterDeclineAsync(string userId, long? saleId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            if (saleId is not { } declined)
            {
                await ExecuteAsync(connection, transaction,
                    "UPDATE one_click_tokens SET token = NULL, updated_at = $now WHERE user_id = $user", cancellationToken, ("$now", Text(now)), ("$user", userId));
                return true;
            }

            var row = await TokenRowAsync(connection, transaction, userId, cancellationToken);
            if (row is not null && row.Value.SaleId > declined)
            {
                return false;
            }

            await ExecuteAsync(connection, transaction, """
                INSERT INTO one_click_tokens (user_id, token, sale_id, updated_at) VALUES ($user, NULL, $sale, $now)
                ON CONFLICT (user_id) DO UPDATE SET token = NULL, sale_id = excluded.sale_id, updated_at = excluded.updated_at
                """, cancellationToken, ("$user", userId), ("$sale", declined), ("$now", Text(now)));
            return true;
        }, cancellationToken);

    /// <summary>The buyer came back through the decline URL; a purchase already paid stays paid.</summary>
    public Task MarkDeclinedAsync(string purchaseId, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE purchases SET status = $declined WHERE id = $id AND status = $pending", cancellationToken,
            ("$declined", Text(PurchaseStatus.Declined)), ("$id", purchaseId), ("$pending", Text(PurchaseStatus.Pending))), cancellationToken);

    /// <summary>Notes when the buyer first came back, so that the return page stops waiting after a while.</summary>
    public async Task<DateTimeOffset> MarkReturnedAsync(string purchaseId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE purchases SET returned_at = $now WHERE id = $id AND returned_at IS NULL", cancellationToken, ("$now", Text(now)), ("$id", purchaseId)), cancellationToken);
        return (await FindAsync(purchaseId, cancellationToken))?.ReturnedAt ?? now;
    }

    private static async Task OfferTokenAsync(SqliteConnection connection, SqliteTransaction transaction, string userId, SaleNotice sale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // saleIDs are integers (docs/protocol.md section 1); one that is not cannot be ordered, so its token is not kept.
        if (sale.OneClickToken is { Length: > 0 } token && long.TryParse(sale.SaleId, NumberStyles.None, CultureInfo.InvariantCulture, out var saleId))
        {
            await StoreTokenAsync(connection, transaction, userId, saleId, token, authenticated: true, now, cancellationToken);
        }
    }

    private static async Task<TokenOutcome> StoreTokenAsync(SqliteConnection connection, SqliteTransaction transaction, string userId, long saleId, string token, bool authenticated, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await TokenRowAsync(connection, transaction, userId, cancellationToken);
        if (row is { } current)
        {
            if (current.UsedToken == token)
            {
                return TokenOutcome.AlreadyUsed;
            }

            if (saleId < current.SaleId)
            {
                return TokenOutcome.Outdated;
            }

            if (saleId == current.SaleId)
            {
                if (current.Token == token)
                {
                    return TokenOutcome.Unchanged;
                }

                // Same sale, another token: fill an empty place (the status page's answer after a
                // decline), or let the gateway's server correct what came through the browser.
                if (current.Token is not null && !authenticated)
                {
                    return TokenOutcome.Outdated;
                }
            }
        }

        await ExecuteAsync(connection, transaction, """
            INSERT INTO one_click_tokens (user_id, token, sale_id, updated_at) VALUES ($user, $token, $sale, $now)
            ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, sale_id = excluded.sale_id, updated_at = excluded.updated_at
            """, cancellationToken, ("$user", userId), ("$token", token), ("$sale", saleId), ("$now", Text(now)));
        return TokenOutcome.Stored;
    }

    private static async Task<(string? Token, long SaleId, string? UsedToken)?> TokenRowAsync(SqliteConnection connection, SqliteTransaction transaction, string userId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT token, sale_id, used_token FROM one_click_tokens WHERE user_id = $user", ("$user", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

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

    private static string NewPurchaseId() => "ds-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Text(PurchaseStatus status) => status.ToString().ToLowerInvariant();

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
