using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Refunds.Commands;

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

    /// <summary>
    /// Refunds a sale as the person's page would ask for it, whatever the page shows them: the command
    /// run for their principal in a scope of its own (<see cref="StaffOperations"/>), as a forged
    /// circuit message would reach it.
    /// </summary>
    public static Task<RefundSaleOutcome> RefundAsPersonAsync(GatewayFactory gateway, string email, long saleId, decimal amount, string reason) =>
        AccountPageContext.RunAsPersonAsync(gateway, email, (RefundSale refunds) => refunds.RunAsync(saleId, amount, reason, CancellationToken.None));

    /// <summary>The sales list as the person's circuit renders it, once its rows are in: the saleIDs listed, and the whole markup.</summary>
    public static async Task<(List<long> Ids, string Markup)> ListAsPersonAsync(GatewayFactory gateway, string email)
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsAsync(email);
        var list = circuit.Render<SaleList>();
        list.WaitForAssertion(() => list.FindAll("table tbody tr td:first-child a").ShouldNotBeEmpty());
        var ids = list.FindAll("table tbody tr td:first-child a").Select(a => long.Parse(a.TextContent, CultureInfo.InvariantCulture)).ToList();
        return (ids, list.Markup);
    }

    /// <summary>
    /// Opens a sale's page, types the refund (the amount left as offered when null), presses Refund
    /// and confirms the dialog when it asks; returns the page.
    /// </summary>
    public static IRenderedComponent<SalePage> Refund(IRenderedComponent<SalePage> page, string? amount, string reason, bool expectDialog = true)
    {
        page.WaitForAssertion(() => page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldContain("Refund"));
        var currency = page.FindAll("label").Select(l => l.TextContent.Trim()).Single(l => l.StartsWith("Amount (", StringComparison.Ordinal));
        if (amount is not null)
        {
            page.Type(currency, amount);
        }

        page.Type("Reason", reason);
        page.Submit("Refund");
        if (expectDialog)
        {
            page.WaitForAssertion(() => page.FindAll(".mud-dialog button").ShouldNotBeEmpty());
            page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim().StartsWith("Refund ", StringComparison.Ordinal)).Click();
        }

        return page;
    }

    public static async Task<string> CsvAsync(Buyer staff, string query = "")
    {
        var response = await staff.Client.GetAsync("/account/sales.csv" + query);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }
}
