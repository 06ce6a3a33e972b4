using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor's SQLite database: WAL, <c>synchronous=FULL</c>, every statement prepared once per
/// connection. Writes take turns on one connection (a <see cref="SemaphoreSlim"/>, so that writers
/// wait in the process and never meet SQLITE_BUSY); the approval page reads on a pool of connections.
/// </summary>
internal sealed class FloorDatabase : IDisposable
{
    public const string FileName = "floor.db";

    /// <summary>The durability both the floor and, by default, the gateway commit with.</summary>
    public const string Synchronous = "FULL";

    /// <summary>
    /// The floor has no card table: a token carries what the OK data needs of its card, and the next
    /// token copies it, so that an instant purchase reads one row. Spent tokens stay, as the gateway's do.
    /// A sale keeps the seed of the token it issued (as the gateway does), so that the approval page
    /// and the postback can give the merchant the token itself without the database holding it.
    /// The outbox has no index on undelivered rows: only the dispatcher's start looks for them.
    /// </summary>
    private const string Schema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS tokens (
            hash TEXT PRIMARY KEY,
            shop_id INTEGER NOT NULL,
            browser_hash TEXT NOT NULL,
            truncated_pan TEXT NOT NULL,
            brand TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            spent_at INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS sales (
            id INTEGER PRIMARY KEY,
            shop_id INTEGER NOT NULL,
            reference_id TEXT,
            amount TEXT NOT NULL,
            currency TEXT NOT NULL,
            transaction_id TEXT NOT NULL,
            truncated_pan TEXT NOT NULL,
            brand TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            next_token_seed BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY,
            sale_id INTEGER NOT NULL REFERENCES sales (id),
            url TEXT NOT NULL,
            delivered_at INTEGER
        );
        """;

    private const string SaleColumns = "id, shop_id, reference_id, amount, currency, transaction_id, truncated_pan, brand, next_token_seed";

    private readonly string connectionString;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim writeTurn = new(1, 1);
    private readonly FloorWriter writer;
    private readonly ConcurrentBag<SaleReader> readers = [];

    public FloorDatabase(string dataDirectory, TimeProvider clock)
    {
        this.clock = clock;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Pooling = false, // the floor keeps its connections open itself
        }.ToString();
        var connection = Open();
        using (var schema = connection.CreateCommand())
        {
            schema.CommandText = Schema;
            schema.ExecuteNonQuery();
        }

        writer = new FloorWriter(connection);
    }

    /// <summary>
    /// The instant purchase's one transaction: spends the token (when it is this shop's and browser's,
    /// unspent and unexpired), writes the sale, the next token and the outbox row. Null when the token
    /// is refused, and then nothing is written.
    /// </summary>
    public Task<FloorApproval?> PurchaseAsync(FloorPurchase purchase, FloorNewToken next, Func<FloorSale, string> postbackUrl, CancellationToken cancellationToken) =>
        InTurnAsync(now => writer.Purchase(purchase, next, postbackUrl, now), cancellationToken);

    /// <summary>A token for a new browser's test card, without a sale: how the floor's buyers are seeded.</summary>
    public Task MintAsync(string tokenHash, int shopId, string browserHash, string truncatedPan, string brand, CancellationToken cancellationToken) =>
        InTurnAsync(now =>
        {
            writer.Mint(tokenHash, shopId, browserHash, truncatedPan, brand, now);
            return true;
        }, cancellationToken);

    /// <summary>The merchant answered OK to these rows: they are done, in one transaction.</summary>
    public Task MarkDeliveredAsync(IReadOnlyList<long> outboxIds, CancellationToken cancellationToken) =>
        InTurnAsync(now =>
        {
            writer.MarkDelivered(outboxIds, now);
            return true;
        }, cancellationToken);

    /// <summary>One write on the writer connection, in this process's turn (so none meets SQLITE_BUSY), at the time it runs (Unix seconds).</summary>
    private async Task<T> InTurnAsync<T>(Func<long, T> write, CancellationToken cancellationToken)
    {
        await writeTurn.WaitAsync(cancellationToken);
        try
        {
            return write(clock.GetUtcNow().ToUnixTimeSeconds());
        }
        finally
        {
            writeTurn.Release();
        }
    }

    /// <summary>An approved sale by its id, for the approval page; null when there is none.</summary>
    public FloorSale? Sale(long saleId)
    {
        if (!readers.TryTake(out var reader))
        {
            reader = new SaleReader(Open());
        }

        try
        {
            return reader.Read(saleId);
        }
        finally
        {
            readers.Add(reader);
        }
    }

    /// <summary>Outbox rows not yet answered OK, with their sales (a crash or a stop left them behind).</summary>
    public List<(long OutboxId, string Url, FloorSale Sale)> Undelivered()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT o.id, o.url, {string.Join(", ", SaleColumns.Split(", ").Select(c => "s." + c))}
            FROM outbox o JOIN sales s ON s.id = o.sale_id
            WHERE o.delivered_at IS NULL ORDER BY o.id
            """;
        using var rows = command.ExecuteReader();
        var undelivered = new List<(long, string, FloorSale)>();
        while (rows.Read())
        {
            undelivered.Add((rows.GetInt64(0), rows.GetString(1), SaleReader.SaleAt(rows, 2)));
        }

        return undelivered;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous={Synchronous};";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public void Dispose()
    {
        writer.Dispose();
        while (readers.TryTake(out var reader))
        {
            reader.Dispose();
        }

        writeTurn.Dispose();
    }

    /// <summary>A reading connection with its one prepared statement.</summary>
    private sealed class SaleReader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand saleById;

        public SaleReader(SqliteConnection connection)
        {
            this.connection = connection;
            saleById = connection.CreateCommand();
            saleById.CommandText = $"SELECT {SaleColumns} FROM sales WHERE id = $id AND result = 'Approved'";
            saleById.Parameters.Add("$id", SqliteType.Integer);
            saleById.Prepare();
        }

        public FloorSale? Read(long saleId)
        {
            saleById.Parameters[0].Value = saleId;
            using var rows = saleById.ExecuteReader();
            return rows.Read() ? SaleAt(rows, 0) : null;
        }

        public static FloorSale SaleAt(SqliteDataReader rows, int first) => new(
            Id: rows.GetInt64(first),
            ShopId: rows.GetInt32(first + 1),
            ReferenceId: rows.IsDBNull(first + 2) ? null : rows.GetString(first + 2),
            Amount: rows.GetString(first + 3),
            Currency: rows.GetString(first + 4),
            TransactionId: rows.GetString(first + 5),
            TruncatedPan: rows.GetString(first + 6),
            Brand: rows.GetString(first + 7),
            NextTokenSeed: (byte[])rows.GetValue(first + 8));

        public void Dispose()
        {
            saleById.Dispose();
            connection.Dispose();
        }
    }
}

/// <summary>What a startorder asks, once its signature and values are checked; hashes, never the token or the cookie.</summary>
internal sealed record FloorPurchase(int ShopId, string TokenHash, string BrowserHash, string? ReferenceId, string Amount, string Currency, string TransactionId);

/// <summary>The token an approved sale issues: its seed is kept with the sale, its hash is the token's key.</summary>
internal sealed record FloorNewToken(string Token, byte[] Seed, string Hash);

/// <summary>An approved floor sale, as the approval page and the postback read it.</summary>
internal sealed record FloorSale(long Id, int ShopId, string? ReferenceId, string Amount, string Currency, string TransactionId, string TruncatedPan, string Brand, byte[] NextTokenSeed);

/// <summary>A committed purchase: the sale and its outbox row, for the dispatcher to send at once.</summary>
internal sealed record FloorApproval(FloorSale Sale, long OutboxId, string PostbackUrl);
