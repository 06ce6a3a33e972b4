using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Dashboard;

/// <summary>The dashboard (issue 6): today's figures and the fortnight's chart, from real purchases, per person's scope.</summary>
public sealed class DashboardTests : IDisposable
{
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const int OtherShopId = 70001;
    private const string DeclinedCard = "4000 0000 0000 0002";

    private readonly GatewayFactory gateway = new();

    public DashboardTests() => gateway.Set("OneClick:Seed:OneClickEnabled", "true");

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Dashboard_shows_todays_figures_from_real_purchases_in_the_persons_scope()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, postbackUrl: null);
        // Full entry that remembers the card (not one-click), then the saved card with its CVC (one-click).
        (await PayAsync(Buyer.Of(gateway), Merchant.Purchase("10.00", customerNumber: "c-1"))).Heading.ShouldBe("Payment approved");
        var fresh = Buyer.Of(gateway);
        var saved = await fresh.StartAsync(Merchant.Purchase("5.50", customerNumber: "c-1"));
        saved.Heading.ShouldBe("Pay with your saved card");
        (await fresh.PaySavedAsync(saved)).Heading.ShouldBe("Payment approved");
        (await PayAsync(Buyer.Of(gateway), Merchant.Purchase("7.00"), DeclinedCard)).Heading.ShouldBe("Payment declined");
        (await PayAsync(Buyer.Of(gateway), Merchant.Purchase("20.00", "USD"))).Heading.ShouldBe("Payment approved");
        (await PayAsync(Buyer.Of(gateway), Merchant.Purchase("99.00", shopId: OtherShopId), key: OtherKey)).Heading.ShouldBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OneClickPayment && s.Result == SaleResult.Approved))).ShouldBe(1);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            var page = await (await BackOfficeStaff.SignedInAsync(gateway, role, await BackOfficeStaff.SeededMerchantIdAsync(gateway))).GetAsync("/account");

            page.Heading.ShouldBe("Dashboard");
            var approved = Figure(page, "approved");
            approved.ShouldContain("15.50 EUR");
            approved.ShouldContain("20.00 USD");
            approved.ShouldContain("3 sales approved");
            approved.ShouldNotContain("99.00");
            Figure(page, "approval-rate").ShouldContain("75%"); // 3 approved, 1 declined
            Figure(page, "approval-rate").ShouldContain("3 approved, 1 declined");
            Figure(page, "one-click-share").ShouldContain("33%"); // 1 of 3
            Figure(page, "one-click-share").ShouldContain("1 of 3 sales paid with a saved card");
            Figure(page, "failing-postbacks").ShouldContain("0");
            page.Text.ShouldNotContain("Other Shop");
        }

        var theirs = await (await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId))).GetAsync("/account");
        Figure(theirs, "approved").ShouldContain("99.00 EUR");
        Figure(theirs, "approved").ShouldNotContain("15.50");
        Figure(theirs, "approval-rate").ShouldContain("100%");
        Figure(theirs, "one-click-share").ShouldContain("0%");

        var admin = await (await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null)).GetAsync("/account");
        Figure(admin, "approved").ShouldContain("114.50 EUR");
        Figure(admin, "approved").ShouldContain("4 sales approved");
        Figure(admin, "approval-rate").ShouldContain("80%");
        Figure(admin, "one-click-share").ShouldContain("25%");
    }

    [Fact]
    public async Task Chart_is_a_labelled_figure_with_the_numbers_as_a_table()
    {
        await PayAsync(Buyer.Of(gateway), Merchant.Purchase("12.00"));
        await PayAsync(Buyer.Of(gateway), Merchant.Purchase("3.00"));
        var today = gateway.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await (await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway))).GetAsync("/account");

        var figure = page.Document.QuerySelector("figure")!;
        page.Document.GetElementById(figure.GetAttribute("aria-labelledby")!)!.TextContent.ShouldStartWith("Approved sales per day, last 14 days");
        figure.QuerySelector(".mud-chart svg").ShouldNotBeNull();
        var numbers = figure.QuerySelector("table")!;
        numbers.ClassList.ShouldContain("visually-hidden");
        numbers.QuerySelector("caption")!.TextContent.ShouldBe("Approved sales per day, last 14 days");
        numbers.QuerySelectorAll("tbody tr").Length.ShouldBe(14);
        var todayRow = numbers.QuerySelector($"tr[data-day='{today}']")!.TextContent;
        todayRow.ShouldContain("2");
        todayRow.ShouldContain("15.00 EUR");
        numbers.QuerySelectorAll("tbody tr")[^1].GetAttribute("data-day").ShouldBe(today);
    }

    [Fact]
    public async Task Failing_postbacks_are_counted_and_linked_to_the_list()
    {
        using var merchant = new MerchantSite { AnswerPostback = _ => Task.FromResult((500, "Internal error")) };
        using var failing = new GatewayFactory();
        failing.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl);
        await PayAsync(Buyer.Of(failing), Merchant.Purchase());
        await GatewayFactory.EventuallyAsync(
            () => failing.WithDbAsync(db => db.PostbackDeliveries.AnyAsync(d => d.State == PostbackState.Pending && d.Attempts > 0)),
            "the postback failed once");

        var page = await (await BackOfficeStaff.SignedInAsync(failing, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(failing))).GetAsync("/account");

        var card = page.Document.QuerySelector("[data-figure=failing-postbacks]")!;
        card.QuerySelector("p")!.TextContent.Trim().ShouldBe("1");
        card.QuerySelector("a")!.GetAttribute("href").ShouldBe("/account/postbacks?state=failing");
        await BackOfficeStaff.SignedInAsync(failing, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(failing), "clerk@failing.test");
        (await Postbacks.PostbacksScenario.ListedSalesAsPersonAsync(failing, "clerk@failing.test", "?state=failing")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Authorization_matrix_for_the_dashboard()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, postbackUrl: null);
        await PayAsync(Buyer.Of(gateway), Merchant.Purchase("42.00"));

        var anonymous = await gateway.CreatePlainClient().GetAsync("/account");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        anonymous.Headers.Location!.AbsolutePath.ShouldBe("/account/login");

        var seeded = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var other = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        var people = new (string Role, int? Merchant, bool SeesTheSale)[]
        {
            (StaffRoles.Staff, seeded, true), (StaffRoles.Owner, seeded, true), (StaffRoles.Administrator, null, true),
            (StaffRoles.Staff, other, false), (StaffRoles.Owner, other, false),
        };
        foreach (var (role, merchantId, seesTheSale) in people)
        {
            var page = await (await BackOfficeStaff.SignedInAsync(gateway, role, merchantId)).GetAsync("/account");
            page.Status.ShouldBe(HttpStatusCode.OK);
            page.Heading.ShouldBe("Dashboard");
            Figure(page, "approved").Contains("42.00 EUR", StringComparison.Ordinal).ShouldBe(seesTheSale, $"{role} of merchant {merchantId}");
        }
    }

    private static string Figure(Page page, string name) =>
        page.Document.QuerySelector($"[data-figure='{name}']")?.TextContent ?? throw new InvalidOperationException($"No figure {name} on {page.Url}");

    private static async Task<Page> PayAsync(Buyer buyer, Dictionary<string, string> purchase, string card = Buyer.Visa, string key = GatewayFactory.SignatureKey) =>
        await buyer.PayAsync(await buyer.StartAsync(purchase, key), card);
}
