using OneClick.Core;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Tests.Core;

/// <summary>Builders shared by the Core unit tests: fixed clocks, a test shop, orders and sales.</summary>
internal static class CoreTestData
{
    /// <summary>The key of the docs/protocol.md section 2 test vector.</summary>
    public const string VectorKey = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";

    public const int ShopId = 64233;

    public static readonly DateTime Now = new(2025, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    public static Shop NewShop(string? key = VectorKey)
    {
        var shop = new Shop(ShopId, 1, "Test", new Uri("https://shop.example/"), Now);
        if (key is not null)
        {
            shop.AddSignatureKey(key, Now);
        }

        return shop;
    }

    public static StartOrderRequest NewRequest(
        string? referenceId = null,
        string? custom1 = null,
        string? customerNumber = null,
        PaymentMethod? paymentMethod = null,
        decimal amount = 9.99m,
        string currency = "USD") =>
        new(
            "3.2", ShopId, new Money(amount, currency), "Super video download", paymentMethod, referenceId,
            custom1, null, null, null, null, null, customerNumber, null);

    public static Order NewOrder(
        string? referenceId = null,
        string? custom1 = null,
        string? customerNumber = null,
        decimal amount = 9.99m,
        string currency = "USD") =>
        new(NewRequest(referenceId, custom1, customerNumber, null, amount, currency), Now);

    /// <summary>An order of the JSON API (a pay-by-link when <paramref name="expiresAt"/> is given).</summary>
    public static Order NewApiOrder(
        RecurrenceAction recurrence = RecurrenceAction.NoRecurring,
        string? contractId = null,
        DateTime? expiresAt = null,
        string orderId = "api-order-1") =>
        new(new ApiOrderRequest(
            expiresAt is null ? OrderChannel.HostedPage : OrderChannel.PayByLink,
            NewShop().Id, orderId, new Money(9.99m, "EUR"), "cust-1", "100 credits",
            new Uri("https://merchant.example/result"), new Uri("https://merchant.example/cancel"), null,
            recurrence, contractId, expiresAt), Now);

    public static CardNumber Card(string number = "4242424242424242") =>
        CardNumber.Parse(number).Number ?? throw new ArgumentException($"Test card {number} does not parse.", nameof(number));

    public static Sale NewSale(Order? order = null, string card = "4242424242424242") =>
        new(order ?? NewOrder(), Card(card), Now);

    /// <summary>A sale as the database would hold it: <see cref="Sale.Id"/> is assigned on insert.</summary>
    public static Sale WithId(this Sale sale, long id)
    {
        typeof(Sale).GetProperty(nameof(Sale.Id))!.SetValue(sale, id);
        return sale;
    }

    public static Sale ApprovedSale(Order order, string card = "4242424242424242", long id = 42, string transactionId = "tx")
    {
        var sale = NewSale(order, card).WithId(id);
        sale.Approve(transactionId, Now);
        return sale;
    }
}
