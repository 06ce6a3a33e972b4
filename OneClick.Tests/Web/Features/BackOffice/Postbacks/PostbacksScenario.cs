using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Postbacks;

namespace OneClick.Tests.Web.Features.BackOffice.Postbacks;

/// <summary>
/// A gateway whose seeded shop posts back to one merchant site, and whose other shop (another
/// merchant's, once added) to a second; sales bought as buyers buy them, and their deliveries.
/// </summary>
public sealed class PostbacksScenario : IDisposable
{
    public const string OtherKey = "OtherShopKey-0123456789abcdef";
    public const int OtherShopId = 70001;

    public PostbacksScenario()
    {
        // The other shop's merchant site is on 127.0.0.1 too: the operator names its origin.
        Gateway.Set("OneClick:Seed:PostbackUrl", Site.PostbackUrl)
            .Set("OneClick:Postbacks:PrivateHosts:0", OtherSite.BaseUrl)
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Postbacks:Timeout", "00:00:05");
    }

    public MerchantSite Site { get; } = new();

    public MerchantSite OtherSite { get; } = new();

    public GatewayFactory Gateway { get; } = new();

    public void Dispose()
    {
        Gateway.Dispose();
        Site.Dispose();
        OtherSite.Dispose();
    }

    /// <summary>The other merchant's shop, posting back to <see cref="OtherSite"/>; returns that merchant's id.</summary>
    public async Task<int> AddOtherShopAsync()
    {
        await Gateway.AddShopAsync(OtherShopId, OtherKey, OtherSite.PostbackUrl);
        return await BackOfficeStaff.MerchantOfShopAsync(Gateway, OtherShopId);
    }

    public async Task<long> BuyAsync(int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey)
    {
        var buyer = Buyer.Of(Gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: shopId), key));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], CultureInfo.InvariantCulture);
    }

    /// <summary>Delivered credit postbacks of a sale, made two days ago a minute apart, oldest first.</summary>
    public Task<int> OlderDeliveredAsync(long saleId, int count) => Gateway.WithDbAsync(async db =>
    {
        var start = DateTime.UtcNow.AddDays(-2);
        for (var i = 0; i < count; i++)
        {
            var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Credit, Site.PostbackUrl + "?n=" + i, start.AddMinutes(i));
            delivery.Delivered(start.AddMinutes(i));
            db.PostbackDeliveries.Add(delivery);
        }

        return await db.SaveChangesAsync();
    });

    /// <summary>A refund's postback the merchant never answered: given up straight away, without the sender's side effects.</summary>
    public Task<long> InsertGivenUpCreditAsync(long saleId) => Gateway.WithDbAsync(async db =>
    {
        var now = Gateway.Clock.GetUtcNow().UtcDateTime;
        // One transaction: a pending row committed on its own is due, and the gateway's dispatcher would deliver it.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Credit, Site.PostbackUrl + "?event=credit", now);
        db.PostbackDeliveries.Add(delivery);
        await db.SaveChangesAsync();
        db.PostbackAttempts.Add(new PostbackAttempt(delivery, now, TimeSpan.FromMilliseconds(3), 404, "Not Found", null, false));
        delivery.Failed(new RetrySchedule([TimeSpan.FromDays(1)]), now);
        delivery.Failed(new RetrySchedule([TimeSpan.FromDays(1)]), now);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return delivery.Id;
    });

    public Task DeliveredAsync(long saleId) =>
        GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, $"the postback of sale {saleId} is delivered");

    public Task<PostbackDelivery> DeliveryAsync(long saleId) =>
        Gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));

    public async Task<long> DeliveryIdAsync(long saleId) => (await DeliveryAsync(saleId)).Id;

    /// <summary>Opens the postback list at <paramref name="query"/> as the person the context acts as, once its grid has loaded.</summary>
    public static IRenderedComponent<PostbackList> OpenList(AccountPageContext context, string query = "") =>
        context.OpenList<PostbackList>("/account/postbacks" + query, "No postback deliveries match.");

    /// <summary>The list at <paramref name="query"/> as the person's own circuit renders it: the sale ids listed.</summary>
    public static async Task<List<long>> ListedSalesAsPersonAsync(GatewayFactory gateway, string email, string query = "") =>
        (await ListAsPersonAsync(gateway, email, query)).Sales;

    /// <summary>The list at <paramref name="query"/> as the person's own circuit renders it: the sale ids listed, and the whole markup.</summary>
    public static async Task<(List<long> Sales, string Markup)> ListAsPersonAsync(GatewayFactory gateway, string email, string query = "")
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsAsync(email);
        var list = OpenList(circuit, query);
        return (ListedSales(list), list.Markup);
    }

    /// <summary>The delivery ids the grid lists ("#12"), in its order.</summary>
    public static List<long> ListedDeliveries(IRenderedComponent<PostbackList> list) =>
        [.. list.FindAll("table tbody tr td:first-child a").Select(a => long.Parse(a.TextContent.Trim().TrimStart('#'), CultureInfo.InvariantCulture))];

    /// <summary>The sale ids of the deliveries the grid lists, in its order.</summary>
    public static List<long> ListedSales(IRenderedComponent<PostbackList> list) =>
        [.. list.FindAll("table tbody tr td:nth-child(2) a").Select(a => long.Parse(a.TextContent.Trim(), CultureInfo.InvariantCulture))];
}
