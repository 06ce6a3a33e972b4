using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Tests.Core;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// A row written by a kept statement is the row <c>SaveChanges</c> would have written: the same
/// columns, each stored in the same form (enums as their names, times as SQLite's text, nulls), and
/// a key the database made is set on the entity.
/// </summary>
public sealed class RowStatementsTests : IDisposable
{
    // Far ahead: the gateway's own outbox dispatcher leaves deliveries due then alone.
    private static readonly DateTime At = new(2099, 12, 6, 10, 0, 0, 123, DateTimeKind.Utc);

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task InsertAsync_delivery_and_attempt_store_each_column_as_SaveChanges_does_and_set_the_key()
    {
        var saleId = await SaleAsync();
        var (byEf, byEfAttempt) = await gateway.WithDbAsync(async db =>
        {
            var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Sale, "https://m.example/pb?a=1", At);
            db.PostbackDeliveries.Add(delivery);
            await db.SaveChangesAsync();
            var attempt = new PostbackAttempt(delivery, At, TimeSpan.FromMilliseconds(42), 500, "busy", null, acknowledged: false);
            db.PostbackAttempts.Add(attempt);
            await db.SaveChangesAsync();
            return (delivery.Id, attempt.Id);
        });

        PostbackDelivery byRow = null!;
        PostbackAttempt byRowAttempt = null!;
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        await gateway.InWriteTurnAsync(async db =>
        {
            byRow = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Sale, "https://m.example/pb?a=1", At);
            await rows.InsertAsync(db, byRow, CancellationToken.None);
            byRowAttempt = new PostbackAttempt(byRow, At, TimeSpan.FromMilliseconds(42), 500, "busy", null, acknowledged: false);
            await rows.InsertAsync(db, byRowAttempt, CancellationToken.None);
        });

        byRow.Id.ShouldBeGreaterThan(byEf);
        byRowAttempt.Id.ShouldBeGreaterThan(byEfAttempt);
        byRowAttempt.DeliveryId.ShouldBe(byRow.Id);
        Stored("PostbackDeliveries", byRow.Id).ShouldBe(Stored("PostbackDeliveries", byEf));
        Stored("PostbackAttempts", byRowAttempt.Id, "DeliveryId").ShouldBe(Stored("PostbackAttempts", byEfAttempt, "DeliveryId"));
        Stored("PostbackDeliveries", byRow.Id).ShouldContain(Value("State", "'Pending'"));
    }

    [Fact]
    public async Task UpdateAsync_writes_what_the_entitys_method_changed_as_SaveChanges_does()
    {
        var saleId = await SaleAsync();
        var ids = await gateway.WithDbAsync(async db =>
        {
            var deliveries = Enumerable.Range(1, 2).Select(_ => new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Sale, "https://m.example/pb", At)).ToArray();
            db.PostbackDeliveries.AddRange(deliveries);
            await db.SaveChangesAsync();
            return deliveries.Select(d => d.Id).ToArray();
        });

        await gateway.WithDbAsync(async db =>
        {
            var tracked = await db.PostbackDeliveries.SingleAsync(d => d.Id == ids[0]);
            tracked.Delivered(At.AddSeconds(3));
            return await db.SaveChangesAsync();
        });
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        await gateway.InWriteTurnAsync(async db =>
        {
            var read = await db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == ids[1]);
            var asRead = rows.Snapshot(db, read);
            read.Delivered(At.AddSeconds(3));
            await rows.UpdateAsync(db, read, asRead, CancellationToken.None);
        });

        Stored("PostbackDeliveries", ids[1]).ShouldBe(Stored("PostbackDeliveries", ids[0]));
        Stored("PostbackDeliveries", ids[1]).ShouldContain(Value("State", "'Delivered'"));
        Stored("PostbackDeliveries", ids[1]).ShouldContain(Value("Attempts", "1"));
    }

    [Fact]
    public async Task UpdateAsync_row_deleted_meanwhile_throws_and_the_turn_writes_nothing()
    {
        var id = await DeliveryAsync();
        var rows = gateway.Services.GetRequiredService<RowStatements>();

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => gateway.InWriteTurnAsync(async db =>
        {
            var read = await db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
            var asRead = rows.Snapshot(db, read);
            await db.PostbackDeliveries.Where(d => d.Id == id).ExecuteDeleteAsync();
            read.Delivered(At);
            await rows.UpdateAsync(db, read, asRead, CancellationToken.None);
        }));

        DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT COUNT(*) FROM PostbackDeliveries WHERE Id = {id}").ShouldBe(["1"], "the turn's delete was undone with it");
    }

    [Fact]
    public async Task UpdateAsync_writes_only_what_changed_so_a_column_changed_meanwhile_stays()
    {
        var id = await DeliveryAsync();
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        var (read, asRead) = await ReadAsync(id);
        // Staff press "retry now" while the attempt is in flight: NextAttemptAt moves.
        await MeanwhileAsync(id, d => d.DueNow(At.AddMinutes(7)));

        await gateway.InWriteTurnAsync(async db =>
        {
            read.Delivered(At.AddMinutes(1));
            await rows.UpdateAsync(db, read, asRead, CancellationToken.None);
        });

        var stored = Stored("PostbackDeliveries", id);
        stored.ShouldContain(Value("State", "'Delivered'"));
        stored.ShouldContain(Value("NextAttemptAt", "'2099-12-06 10:07:00.123'"));
    }

    [Fact]
    public async Task TryUpdateAsync_guarded_column_changed_meanwhile_writes_nothing_and_says_so()
    {
        var id = await DeliveryAsync();
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        var (read, asRead) = await ReadAsync(id);
        await MeanwhileAsync(id, d => d.Delivered(At.AddMinutes(2)));

        var written = true;
        await gateway.InWriteTurnAsync(async db =>
        {
            read.Delivered(At.AddMinutes(1));
            written = await rows.TryUpdateAsync(db, read, asRead, CancellationToken.None, nameof(PostbackDelivery.State));
        });

        written.ShouldBeFalse();
        Stored("PostbackDeliveries", id).ShouldContain(Value("CompletedAt", "'2099-12-06 10:02:00.123'"));
    }

    [Fact]
    public async Task UpdateAsync_concurrency_token_changed_meanwhile_throws_as_SaveChanges_does()
    {
        var saleId = await SaleAsync();
        var orderId = await gateway.WithDbAsync(db => db.Sales.Where(s => s.Id == saleId).Select(s => s.OrderId).SingleAsync());
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        var read = await gateway.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId));
        var asRead = await gateway.WithDbAsync(db => Task.FromResult(rows.Snapshot(db, read)));
        await gateway.WithDbAsync(async db =>
        {
            var tracked = await db.Orders.SingleAsync(o => o.Id == orderId);
            tracked.StartPayment(At);
            return await db.SaveChangesAsync();
        });

        read.StartPayment(At.AddSeconds(1));
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => gateway.InWriteTurnAsync(
            db => rows.UpdateAsync(db, read, asRead, CancellationToken.None)));
    }

    [Fact]
    public async Task SaveAsync_added_and_modified_entities_are_stored_as_SaveChanges_stores_them()
    {
        var saleId = await SaleAsync();
        var ids = await gateway.WithDbAsync(async db =>
        {
            var deliveries = Enumerable.Range(1, 2).Select(_ => new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Sale, "https://m.example/pb", At)).ToArray();
            db.PostbackDeliveries.AddRange(deliveries);
            await db.SaveChangesAsync();
            deliveries[0].Delivered(At.AddSeconds(5));
            db.PostbackAttempts.Add(new PostbackAttempt(deliveries[0], At, TimeSpan.FromMilliseconds(7), 200, "OK", null, acknowledged: true));
            await db.SaveChangesAsync();
            return deliveries.Select(d => d.Id).ToArray();
        });

        var rows = gateway.Services.GetRequiredService<RowStatements>();
        PostbackAttempt added = null!;
        var states = new List<EntityState>();
        await gateway.InWriteTurnAsync(async db =>
        {
            var tracked = await db.PostbackDeliveries.SingleAsync(d => d.Id == ids[1]);
            tracked.Delivered(At.AddSeconds(5));
            added = new PostbackAttempt(tracked, At, TimeSpan.FromMilliseconds(7), 200, "OK", null, acknowledged: true);
            db.PostbackAttempts.Add(added);
            (await rows.SaveAsync(db, CancellationToken.None)).ShouldBe(2);
            states.AddRange(db.ChangeTracker.Entries().Select(e => e.State));
        });

        states.ShouldAllBe(s => s == EntityState.Unchanged, "the tracker accepted the changes, as after SaveChanges");
        added.Id.ShouldBeGreaterThan(0);
        Stored("PostbackDeliveries", ids[1]).ShouldBe(Stored("PostbackDeliveries", ids[0]));
        var attempts = DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT Id FROM PostbackAttempts WHERE DeliveryId IN ({ids[0]}, {ids[1]}) ORDER BY Id");
        attempts.Count.ShouldBe(2);
        Stored("PostbackAttempts", added.Id, "DeliveryId").ShouldBe(Stored("PostbackAttempts", long.Parse(attempts[0], System.Globalization.CultureInfo.InvariantCulture), "DeliveryId"));
    }

    [Fact]
    public async Task SaveAsync_sale_added_before_its_order_is_inserted_after_it()
    {
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        var order = CoreTestData.NewOrder(referenceId: UniqueText.Letters());
        var sale = new Sale(order, CoreTestData.Card(), At);

        await gateway.InWriteTurnAsync(async db =>
        {
            db.Sales.Add(sale); // the order's key is made by the client: nothing temporary orders the two
            db.Orders.Add(order);
            (await rows.SaveAsync(db, CancellationToken.None)).ShouldBe(2);
        });

        DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT OrderId FROM Sales WHERE Id = {sale.Id}").ShouldBe([order.Id]);
    }

    [Fact]
    public async Task SaveAsync_concurrency_token_changed_meanwhile_throws_as_SaveChanges_does()
    {
        var saleId = await SaleAsync();
        var orderId = await gateway.WithDbAsync(db => db.Sales.Where(s => s.Id == saleId).Select(s => s.OrderId).SingleAsync());
        var rows = gateway.Services.GetRequiredService<RowStatements>();

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => gateway.InWriteTurnAsync(async db =>
        {
            var tracked = await db.Orders.SingleAsync(o => o.Id == orderId);
            await db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.ConcurrencyStamp, o => o.ConcurrencyStamp + 1));
            tracked.StartPayment(At);
            await rows.SaveAsync(db, CancellationToken.None);
        }));
    }

    [Fact]
    public async Task SaveAsync_a_deletion_goes_to_SaveChanges_whole()
    {
        var id = await DeliveryAsync();
        var rows = gateway.Services.GetRequiredService<RowStatements>();

        await gateway.InWriteTurnAsync(async db =>
        {
            db.PostbackDeliveries.Remove(await db.PostbackDeliveries.SingleAsync(d => d.Id == id));
            (await rows.SaveAsync(db, CancellationToken.None)).ShouldBe(1);
        });

        DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT COUNT(*) FROM PostbackDeliveries WHERE Id = {id}").ShouldBe(["0"]);
    }

    [Fact]
    public async Task SaveAsync_a_shops_change_goes_to_SaveChanges_whole()
    {
        var rows = gateway.Services.GetRequiredService<RowStatements>();

        await gateway.InWriteTurnAsync(async db =>
        {
            var shop = await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId);
            shop.SetUrls(new Uri("https://shop.example/thanks"), null, null);
            (await rows.SaveAsync(db, CancellationToken.None)).ShouldBe(1);
        });

        DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT SuccessUrl FROM Shops WHERE Id = {GatewayFactory.ShopId}").ShouldBe(["https://shop.example/thanks"]);
    }

    /// <summary>A delivery read without tracking, and its snapshot as read.</summary>
    private async Task<(PostbackDelivery Read, RowSnapshot AsRead)> ReadAsync(long id)
    {
        var rows = gateway.Services.GetRequiredService<RowStatements>();
        return await gateway.WithDbAsync(async db =>
        {
            var read = await db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
            return (read, rows.Snapshot(db, read));
        });
    }

    /// <summary>Another request changes the delivery meanwhile, by SaveChanges.</summary>
    private Task<int> MeanwhileAsync(long id, Action<PostbackDelivery> change) => gateway.WithDbAsync(async db =>
    {
        change(await db.PostbackDeliveries.SingleAsync(d => d.Id == id));
        return await db.SaveChangesAsync();
    });

    private async Task<long> DeliveryAsync()
    {
        var saleId = await SaleAsync();
        return await gateway.WithDbAsync(async db =>
        {
            var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Sale, "https://m.example/pb", At);
            db.PostbackDeliveries.Add(delivery);
            await db.SaveChangesAsync();
            return delivery.Id;
        });
    }

    /// <summary>A sale of the gateway's seeded shop, for the deliveries' foreign key.</summary>
    private Task<long> SaleAsync() => gateway.WithDbAsync(async db =>
    {
        var order = CoreTestData.NewOrder(referenceId: UniqueText.Letters());
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        var sale = new Sale(order, CoreTestData.Card(), At);
        db.Sales.Add(sale);
        await db.SaveChangesAsync();
        return sale.Id;
    });

    /// <summary>
    /// A column's value as <see cref="Stored"/> shows it, given as SQLite's <c>quote()</c> writes it:
    /// PostgreSQL's literal quotes numbers too, and writes a time with its zone.
    /// </summary>
    private static string Value(string column, string sqlite)
    {
        if (!TestDatabase.IsPostgreSql)
        {
            return $"{column}={sqlite}";
        }

        var text = sqlite.Trim('\'');
        return System.Text.RegularExpressions.Regex.IsMatch(text, @"^\d{4}-\d\d-\d\d \d")
            ? $"{column}='{text}+00'"
            : $"{column}='{text}'";
    }

    /// <summary>
    /// Every column of a row but its key (and those named), as the database holds it: SQLite's
    /// <c>quote()</c> shows the storage class, PostgreSQL's literal the value with its type.
    /// </summary>
    private string Stored(string table, long id, params string[] except)
    {
        var columns = DatabaseFile.FirstColumn(gateway.DataDirectory, TestDatabase.IsPostgreSql
                ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' AND column_name <> 'Id' ORDER BY ordinal_position"
                : $"SELECT name FROM pragma_table_info('{table}') WHERE name <> 'Id'")
            .Where(c => !except.Contains(c))
            .ToList();
        var select = string.Join(" || ', ' || ", columns.Select(c => TestDatabase.IsPostgreSql
            ? $"'{c}=' || COALESCE(quote_nullable(\"{c}\") || '::' || pg_typeof(\"{c}\"), 'NULL')"
            : $"'{c}=' || quote(\"{c}\")"));
        return DatabaseFile.FirstColumn(gateway.DataDirectory, $"SELECT {select} FROM \"{table}\" WHERE Id = {id}").Single();
    }
}
