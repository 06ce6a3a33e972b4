using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>Real purchases to fill the sales list, and the back-office forms posted as a browser would.</summary>
public static class SalesScenario
{
    public const int OtherShopId = 70001;
    public const string OtherShopKey = "OtherShopKey-0123456789abcdef";
    public const string DeclinedCard = "4000 0000 0000 0002";

    /// <summary>Pays for an order and returns its saleID (approved or declined, by the card).</summary>
    public static async Task<long> BuyAsync(
        GatewayFactory gateway,
        string amount = "9.99",
        string? referenceId = null,
        string? customerNumber = null,
        int shopId = GatewayFactory.ShopId,
        string key = GatewayFactory.SignatureKey,
        string card = Buyer.Visa,
        string currency = "EUR")
    {
        var parameters = Merchant.Purchase(amount, currency, shopId: shopId, customerNumber: customerNumber);
        referenceId ??= "ref-" + Guid.NewGuid().ToString("N");
        parameters["referenceID"] = referenceId;
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(parameters, key), card);
        page.Heading.ShouldBeOneOf("Payment approved", "Payment declined");
        return await SaleOfAsync(gateway, shopId, referenceId);
    }

    public static Task<long> SaleOfAsync(GatewayFactory gateway, int shopId, string referenceId) =>
        gateway.WithDbAsync(db => (
                from s in db.Sales
                join o in db.Orders on s.OrderId equals o.Id
                where o.ShopId == shopId && o.ReferenceId == referenceId
                orderby s.Id descending
                select s.Id)
            .FirstAsync());

    public static Task<int> AddOtherMerchantAsync(GatewayFactory gateway, string? postbackUrl = null) =>
        gateway.AddShopAsync(OtherShopId, OtherShopKey, postbackUrl);

    /// <summary>The saleIDs in the list's first column, in order.</summary>
    public static List<long> ListedSaleIds(Page page) => page.Document.QuerySelectorAll("table tbody tr td:first-child a")
        .Select(a => long.Parse(a.TextContent.Trim(), CultureInfo.InvariantCulture))
        .ToList();

    /// <summary>
    /// Posts the refund form of a sale the person may not be shown: the antiforgery token comes from
    /// the sign-out form of a page they may open, the fields are those of the refund form.
    /// </summary>
    public static async Task<HttpResponseMessage> ForgeRefundAsync(Buyer staff, long saleId, string amount, string reason)
    {
        var list = await staff.GetAsync("/account/sales");
        var token = list.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        return await staff.Client.PostAsync($"/account/sales/{saleId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "refund",
            ["__RequestVerificationToken"] = token,
            ["Refund.Amount"] = amount,
            ["Refund.Reason"] = reason,
        }));
    }

    public static Task<Page> RefundAsync(Buyer staff, Page salePage, string? amount, string reason)
    {
        var fields = new Dictionary<string, string?> { ["Refund.Reason"] = reason };
        if (amount is not null)
        {
            fields["Refund.Amount"] = amount;
        }

        return staff.SubmitAsync(salePage, "Refund", fields);
    }

    public static async Task<string> CsvAsync(Buyer staff, string query = "")
    {
        var response = await staff.Client.GetAsync("/account/sales.csv" + query);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }
}
