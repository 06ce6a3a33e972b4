using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>Customers made the way buyers make them (real purchases), and shops of another merchant.</summary>
internal static class CustomerSteps
{
    public const string OtherKey = "OtherShopKey-0123456789abcdef";
    public const int OtherShopId = 70010;
    public const string Mastercard = "5555 5555 5555 4444";

    /// <summary>A gateway with One Click on for the seeded shop.</summary>
    public static GatewayFactory NewGateway() =>
        new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true");

    /// <summary>A full-entry purchase that remembers the card: the customer becomes a Member.</summary>
    public static async Task FirstPurchaseAsync(GatewayFactory gateway, string customerNumber, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey, string card = Buyer.Visa, string amount = "10.00")
    {
        var buyer = Buyer.Of(gateway);
        // A customer with a saved card is offered it first: "Use a new card" leads to full entry.
        var page = await buyer.UseNewCardAsync(await buyer.StartAsync(Merchant.Purchase(amount, shopId: shopId, customerNumber: customerNumber), key));
        (await buyer.PayAsync(page, card)).Heading.ShouldBe("Payment approved");
    }

    /// <summary>A one-click payment: the saved card and its CVC, in a fresh browser.</summary>
    public static async Task PaySavedAsync(GatewayFactory gateway, string customerNumber, string amount, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey)
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase(amount, shopId: shopId, customerNumber: customerNumber), key);
        page.Heading.ShouldBe("Pay with your saved card");
        (await buyer.PaySavedAsync(page)).Heading.ShouldBe("Payment approved");
    }

    /// <summary>A shop of another merchant, with One Click on; returns that merchant's id.</summary>
    public static async Task<int> AddOtherMerchantShopAsync(GatewayFactory gateway, int shopId = OtherShopId, string key = OtherKey)
    {
        await gateway.AddShopAsync(shopId, key, postbackUrl: null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.SingleAsync(s => s.Id == shopId)).SetOneClick(true);
            return await db.SaveChangesAsync();
        });
        return await BackOfficeStaff.MerchantOfShopAsync(gateway, shopId);
    }

    /// <summary>Puts a shop into the customer union of another (an administrator's act).</summary>
    public static Task<int> JoinUnionAsync(GatewayFactory gateway, int shopId, int unionOfShopId) => gateway.WithDbAsync(async db =>
    {
        var union = (await db.Shops.Include(s => s.CustomerUnion).SingleAsync(s => s.Id == unionOfShopId)).CustomerUnion!;
        (await db.Shops.SingleAsync(s => s.Id == shopId)).JoinUnion(union);
        return await db.SaveChangesAsync();
    });

    public static Task<Customer> CustomerAsync(GatewayFactory gateway, string number, int shopId = GatewayFactory.ShopId) => gateway.WithDbAsync(async db =>
    {
        var union = await db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync();
        return await db.Customers.AsNoTracking().SingleAsync(c => c.CustomerUnionId == union && c.Number == number);
    });

    /// <summary>The rows of the customer list: customer numbers in the order shown.</summary>
    public static List<string> Numbers(Page page) =>
        [.. page.Document.QuerySelectorAll("table tbody tr td:first-child a").Select(a => a.TextContent.Trim())];

    /// <summary>One row of the customer list by customer number: its cells' text.</summary>
    public static List<string> Row(Page page, string number) =>
        [.. page.Document.QuerySelectorAll("table tbody tr")
            .First(r => r.QuerySelector("td a")?.TextContent.Trim() == number)
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim())];
}
