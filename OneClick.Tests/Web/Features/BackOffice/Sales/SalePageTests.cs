using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>/account/sales/{id}: the sale, its order, events, postback attempts and token history; 404 for anyone else's.</summary>
public sealed class SalePageTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public SalePageTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Seed:OneClickEnabled", "true");

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    private async Task<Buyer> StaffAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    [Fact]
    public async Task Sale_page_shows_the_sale_its_order_and_its_events()
    {
        var parameters = Merchant.Purchase("19.90", customerNumber: "cust-9");
        parameters["referenceID"] = "order-9";
        parameters["email"] = "jane@example.com";
        var buyer = Buyer.Of(gateway);
        await buyer.PayAsync(await buyer.StartAsync(parameters));
        var saleId = await SalesScenario.SaleOfAsync(gateway, GatewayFactory.ShopId, "order-9");

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Heading.ShouldBe($"Sale {saleId}");
        page.Text.ShouldContain("19.90 EUR");
        page.Text.ShouldContain("Visa 424242XXXXXX4242");
        page.Text.ShouldContain("100 credits");
        page.Text.ShouldContain("order-9");
        page.Text.ShouldContain("cust-9");
        page.Text.ShouldContain("jane@example.com");
        Events(page).Select(e => e[1]).ShouldBe(["Order started", "Sale created", "Approved"]);
        Events(page)[0][3].ShouldBe("Merchant (startorder)");
        Field(page, "Channel").ShouldBe("startorder");
        Field(page, "contractId").ShouldBeNull();
        page.Html.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Sale_of_an_api_order_shows_its_channel_and_the_contract_it_created()
    {
        var api = MerchantApi.Of(gateway);
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"), "key-1");
        created.Status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        (await buyer.SubmitAsync(challenge, "Complete authentication")).Text.ShouldContain("Payment approved");
        var saleId = await SalesScenario.SaleOfAsync(gateway, GatewayFactory.ShopId, "order-1");
        var staff = await StaffAsync();

        var page = await staff.GetAsync($"/account/sales/{saleId}");

        Field(page, "Channel").ShouldBe("hosted page");
        Field(page, "contractId").ShouldBe("contract-1 (CONTRACT_CREATION)");
        var customerId = await gateway.WithDbAsync(db => db.Contracts.Select(c => c.CustomerId).SingleAsync());
        page.LinkHref("contract-1").ShouldBe($"/account/customers/{customerId}");
        Events(page)[0][3].ShouldBe("Merchant (hosted page)");
    }

    [Fact]
    public async Task Three_d_secure_and_decline_are_events_with_the_reason_in_words()
    {
        var challenged = Buyer.Of(gateway);
        var page = await challenged.PayAsync(await challenged.StartAsync(Merchant.Purchase()), "4000 0027 6000 3184");
        page.Heading.ShouldBe("Authentication required");
        await challenged.SubmitAsync(page, "Fail authentication");
        var saleId = await gateway.WithDbAsync(db => db.Sales.Select(s => s.Id).SingleAsync());

        var salePage = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        var events = Events(salePage);
        events.Select(e => e[1]).ShouldBe(["Order started", "Sale created", "3-D Secure challenged", "Declined"]);
        events[^1][2].ShouldBe("3-D Secure authentication failed");
        salePage.Text.ShouldContain("Only an approved sale can be refunded; this one is Declined.");
    }

    [Fact]
    public async Task What_the_order_left_out_reads_not_given_and_no_row_is_empty()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, card: SalesScenario.DeclinedCard);

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        Field(page, "Email").ShouldBe("not given");
        Field(page, "customerNumber").ShouldBe("not given");
        page.Document.QuerySelectorAll("dt").First(dt => dt.TextContent == "Email").NextElementSibling!
            .QuerySelector(".text-body-secondary").ShouldNotBeNull("muted, so that it does not read as a value");
        page.Document.QuerySelectorAll("dd").Where(dd => dd.TextContent.Trim().Length == 0).Select(dd => dd.PreviousElementSibling?.TextContent).ShouldBeEmpty();
    }

    [Fact]
    public async Task Postback_deliveries_and_attempts_are_shown_without_the_signed_query()
    {
        merchant.AnswerPostback = n => Task.FromResult(n == 1 ? (500, "Database <down>") : (200, "OK"));
        var saleId = await SalesScenario.BuyAsync(gateway);
        await GatewayFactory.EventuallyAsync(async () => await gateway.WithDbAsync(db => db.PostbackAttempts.CountAsync()) == 1, "the first attempt fails");
        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(2));
        await GatewayFactory.EventuallyAsync(
            async () => await gateway.WithDbAsync(db => db.PostbackDeliveries.AnyAsync(d => d.State == PostbackState.Delivered)), "the retry is acknowledged");

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        page.Text.ShouldContain($"Sale postback to {merchant.PostbackUrl}");
        page.Text.ShouldContain("Delivered, 2 attempts");
        var attempts = page.Document.QuerySelectorAll("section[aria-labelledby=postbacks-heading] table tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        attempts.Select(a => a[1]).ShouldBe(["500", "200"]);
        attempts.Select(a => a[3]).ShouldBe(["no", "yes"]);
        attempts.Select(a => a[4]).ShouldBe(["Database <down>", "OK"]);
        attempts.ShouldAllBe(a => a[2].EndsWith(" ms"));
        page.Html.ShouldNotContain("signature=");
    }

    [Fact]
    public async Task Token_history_shows_states_and_times_but_never_a_token_or_its_hash()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        var firstToken = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        var instant = await buyer.StartAsync(WithToken(Merchant.Purchase("4.00"), firstToken));
        instant.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(instant.RefreshTarget!);
        var saleId = long.Parse(ok["saleID"], System.Globalization.CultureInfo.InvariantCulture);
        var stored = await gateway.WithDbAsync(db => db.OneClickTokens.AsNoTracking().OrderBy(t => t.Id).ToListAsync());

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        var rows = page.Document.QuerySelectorAll("section[aria-labelledby=tokens-heading] table tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        rows.Count.ShouldBe(2);
        rows[0][1..4].ShouldBe(["used it", "Visa •••• 4242", "Used"]);
        rows[0][6].ShouldNotBeEmpty();
        rows[1][1..4].ShouldBe(["issued it", "Visa •••• 4242", "Active"]);
        rows[1][6].ShouldBeEmpty();
        page.Text.ShouldContain("one-click: instant");
        foreach (var secret in new[] { firstToken, ok["oneClickToken"], stored[0].TokenHash, stored[1].TokenHash, Convert.ToBase64String(stored[0].Seed), Convert.ToHexString(stored[1].Seed) })
        {
            page.Html.ShouldNotContain(secret, Case.Insensitive);
        }

        page.Html.ShouldNotContain("signature=");
    }

    [Fact]
    public async Task Expired_token_reads_expired()
    {
        var buyer = Buyer.Of(gateway);
        await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        var saleId = await gateway.WithDbAsync(db => db.Sales.Select(s => s.Id).SingleAsync());
        gateway.Clock.Advance(TimeSpan.FromDays(31));

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        page.Document.QuerySelectorAll("section[aria-labelledby=tokens-heading] table tbody tr td")[3].TextContent.ShouldBe("Expired");
    }

    [Fact]
    public async Task Sale_of_another_merchant_is_not_found_for_staff_and_owners()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var foreign = await SalesScenario.BuyAsync(gateway, referenceId: "foreign-9", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            var page = await (await BackOfficeStaff.SignedInAsync(gateway, role, merchantId)).GetAsync($"/account/sales/{foreign}");

            page.Status.ShouldBe(HttpStatusCode.NotFound);
            page.Html.ShouldNotContain("foreign-9");
            page.Html.ShouldNotContain("Other Shop");
        }

        (await (await StaffAsync()).GetAsync("/account/sales/999999")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>The value of a term of the sale page's lists (Sale, Order), spaces collapsed; null when not shown.</summary>
    private static string? Field(Page page, string term) => page.Document.QuerySelectorAll("dt")
        .FirstOrDefault(dt => dt.TextContent.Trim() == term)?.NextElementSibling is { } dd
        ? string.Join(' ', dd.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        : null;

    private static List<List<string>> Events(Page page) => page.Document.QuerySelectorAll("section[aria-labelledby=events-heading] table tbody tr")
        .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();

    private static Dictionary<string, string> WithToken(Dictionary<string, string> parameters, string token)
    {
        parameters["oneClickToken"] = token;
        return parameters;
    }
}
