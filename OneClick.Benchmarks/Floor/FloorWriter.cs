using Microsoft.Data.Sqlite;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor's one writing connection and its statements, prepared once. Not thread-safe: the
/// caller holds <see cref="FloorDatabase"/>'s write turn. BEGIN IMMEDIATE and COMMIT are prepared
/// statements too (a <see cref="SqliteTransaction"/> would compile them anew for every purchase).
/// </summary>
internal sealed class FloorWriter : IDisposable
{
    /// <summary>A token expires 30 days after issue (docs/protocol.md section 4, rule 2).</summary>
    private const long TokenLifetimeSeconds = 30 * 24 * 3600;

    private readonly SqliteConnection connection;
    private readonly SqliteCommand begin;
    private readonly SqliteCommand commit;
    private readonly SqliteCommand rollback;
    private readonly SqliteCommand spendToken;
    private readonly SqliteCommand insertSale;
    private readonly SqliteCommand insertToken;
    private readonly SqliteCommand insertOutbox;
    private readonly SqliteCommand markDelivered;

    public FloorWriter(SqliteConnection connection)
    {
        this.connection = connection;
        begin = Prepare("BEGIN IMMEDIATE");
        commit = Prepare("COMMIT");
        rollback = Prepare("ROLLBACK");

        // Read and spent in one statement: the row is found by its hash (the key), and only a token of
        // this shop and browser, unspent and unexpired, is spent and answers with its card.
        spendToken = Prepare("""
            UPDATE tokens SET spent_at = $now
            WHERE hash = $hash AND spent_at IS NULL AND shop_id = $shop AND browser_hash = $browser AND expires_at > $now
            RETURNING truncated_pan, brand
            """, "$now", "$hash", "$shop", "$browser");
        insertSale = Prepare("""
            INSERT INTO sales (shop_id, reference_id, amount, currency, transaction_id, truncated_pan, brand, result, created_at, next_token_seed)
            VALUES ($shop, $reference, $amount, $currency, $transaction, $pan, $brand, 'Approved', $now, $seed)
            RETURNING id
            """, "$shop", "$reference", "$amount", "$currency", "$transaction", "$pan", "$brand", "$now", "$seed");
        insertToken = Prepare("""
            INSERT INTO tokens (hash, shop_id, browser_hash, truncated_pan, brand, expires_at)
            VALUES ($hash, $shop, $browser, $pan, $brand, $expires)
            """, "$hash", "$shop", "$browser", "$pan", "$brand", "$expires");
        insertOutbox = Prepare("INSERT INTO outbox (sale_id, url) VALUES ($sale, $url) RETURNING id", "$sale", "$url");
        markDelivered = Prepare("UPDATE outbox SET delivered_at = $now WHERE id = $id", "$now", "$id");
    }

    public FloorApproval? Purchase(FloorPurchase purchase, FloorNewToken next, Func<FloorSale, string> postbackUrl, long now) => InTransaction(() =>
    {
        string pan, brand;
        using (var card = Run(spendToken, now, purchase.TokenHash, purchase.ShopId, purchase.BrowserHash).ExecuteReader())
        {
            if (!card.Read())
            {
                return null;
            }

            (pan, brand) = (card.GetString(0), card.GetString(1));
        }

        var saleId = (long)Run(insertSale, purchase.ShopId, purchase.ReferenceId, purchase.Amount, purchase.Currency, purchase.TransactionId, pan, brand, now, next.Seed).ExecuteScalar()!;
        Run(insertToken, next.Hash, purchase.ShopId, purchase.BrowserHash, pan, brand, now + TokenLifetimeSeconds).ExecuteNonQuery();
        var sale = new FloorSale(saleId, purchase.ShopId, purchase.ReferenceId, purchase.Amount, purchase.Currency, purchase.TransactionId, pan, brand, next.Seed);
        var url = postbackUrl(sale);
        var outboxId = (long)Run(insertOutbox, saleId, url).ExecuteScalar()!;
        return new FloorApproval(sale, outboxId, url);
    });

    public void Mint(string tokenHash, int shopId, string browserHash, string truncatedPan, string brand, long now) => InTransaction(() =>
        Run(insertToken, tokenHash, shopId, browserHash, truncatedPan, brand, now + TokenLifetimeSeconds).ExecuteNonQuery());

    public void MarkDelivered(IReadOnlyList<long> outboxIds, long now) => InTransaction(() =>
    {
        foreach (var outboxId in outboxIds)
        {
            Run(markDelivered, now, outboxId).ExecuteNonQuery();
        }

        return outboxIds.Count;
    });

    /// <summary>Commits what <paramref name="work"/> wrote, or rolls it back when it answers null or throws.</summary>
    private T InTransaction<T>(Func<T> work)
    {
        begin.ExecuteNonQuery();
        var open = true;
        try
        {
            var result = work();
            (result is null ? rollback : commit).ExecuteNonQuery();
            open = false;
            return result;
        }
        finally
        {
            // Also after a failed COMMIT, which leaves the transaction open.
            if (open)
            {
                rollback.ExecuteNonQuery();
            }
        }
    }

    private static SqliteCommand Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in new[] { begin, commit, rollback, spendToken, insertSale, insertToken, insertOutbox, markDelivered })
        {
            command.Dispose();
        }

        connection.Dispose();
    }
}
