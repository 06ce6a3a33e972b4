using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OneClick.DemoShop;

/// <summary>The store's per-user settings and each user's newest oneClickToken.</summary>
internal sealed partial class PurchaseStore
{
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
}
