using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>/account/sales (bUnit, on a real gateway): scoped to the person's shops, filtered, sorted and paged by the server, the view kept in the address.</summary>
public sealed class SaleListTests : IAsyncLifetime, IDisposable
{
    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;
    private int loadsBefore;

    public SaleListTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task List_shows_own_sales_with_their_columns_and_never_another_merchants()
    {
        var own = await SalesScenario.BuyAsync(gateway, "12.50", referenceId: "order-77", customerNumber: "cust-1");
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var foreign = await SalesScenario.BuyAsync(gateway, referenceId: "foreign-1", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);

        var page = await OpenAsync("/account/sales");

        page.WaitForAssertion(() => Listed(page).ShouldBe([own]));
        page.Find("h1").TextContent.ShouldBe("Sales");
        page.FindAll("table thead th").Select(Words)
            .ShouldBe(["saleID", "Date (UTC)", "Shop", "referenceID", "customerNumber", "Amount", "Card", "One-click", "Result", "Channel"]);
        var cells = Cells(page);
        cells.ShouldContain("order-77");
        cells.ShouldContain("cust-1");
        cells.ShouldContain("12.50 EUR");
        cells.ShouldContain("Visa 424242XXXXXX4242");
        cells.ShouldContain("no");
        cells.ShouldContain("Approved");
        cells.ShouldContain($"Demo Credits Shop {GatewayFactory.ShopId}");
        cells.ShouldContain("startorder");
        cells.ShouldContain(c => System.Text.RegularExpressions.Regex.IsMatch(c, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        page.Markup.ShouldNotContain("foreign-1");
        page.Markup.ShouldNotContain($"/account/sales/{foreign}\"");
        page.Markup.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Declined_sale_shows_its_reason_in_words_under_the_result()
    {
        await SalesScenario.BuyAsync(gateway, card: SalesScenario.DeclinedCard);

        var page = await OpenAsync("/account/sales");

        // Under the result, not in a column of its own that approved sales leave empty.
        page.WaitForAssertion(() => Cells(page).ShouldContain("Declined Card declined by the bank"));
    }

    [Fact]
    public async Task Filters_in_the_address_each_narrow_the_list()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var early = await SalesScenario.BuyAsync(gateway, "5.00", referenceId: "early", customerNumber: "alice");
        gateway.Clock.Advance(TimeSpan.FromDays(3));
        var declined = await SalesScenario.BuyAsync(gateway, "20.00", referenceId: "late-declined", customerNumber: "bob", card: SalesScenario.DeclinedCard);
        var late = await SalesScenario.BuyAsync(gateway, "50.00", referenceId: "late", customerNumber: "alice");
        var today = DateOnly.FromDateTime(gateway.Clock.GetUtcNow().UtcDateTime);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        async Task Lists(string query, long[] expected)
        {
            var page = await OpenUrlAsync("/account/sales" + query);
            page.WaitForAssertion(() => Loaded(page).ShouldBe(expected, false, query));
        }

        await Lists("", [late, declined, early]);
        await Lists($"?shop={GatewayFactory.ShopId}", [late, declined, early]);
        await Lists($"?from={today:yyyy-MM-dd}", [late, declined]);
        await Lists($"?to={today.AddDays(-1):yyyy-MM-dd}", [early]);
        await Lists($"?from={today.AddDays(-3):yyyy-MM-dd}&to={today.AddDays(-3):yyyy-MM-dd}", [early]);
        await Lists("?result=Declined", [declined]);
        await Lists("?result=approved", [late, early]);
        await Lists("?result=Refunded", []);
        await Lists("?customerNumber=alice", [late, early]);
        await Lists("?referenceID=late", [late]);
        await Lists("?minAmount=20", [late, declined]);
        await Lists("?maxAmount=20.00", [declined, early]);
        await Lists("?minAmount=5.01&maxAmount=49.99", [declined]);
        await Lists("?customerNumber=alice&minAmount=10", [late]);
    }

    [Fact]
    public async Task Filter_form_shows_the_addresss_values_and_filtering_puts_them_back_in_the_address()
    {
        var kept = await SalesScenario.BuyAsync(gateway, "7.00", referenceId: "kept");
        await SalesScenario.BuyAsync(gateway, "1.00", referenceId: "other");
        var page = await OpenAsync("/account/sales?referenceID=kept&result=Approved&minAmount=1.5&sort=amount&dir=asc");

        page.WaitForAssertion(() => Loaded(page).ShouldBe([kept]));
        page.FindAll("form[aria-label='Filter sales'] label").Select(l => l.TextContent.Trim())
            .ShouldBe(["Shop", "From (UTC)", "To (UTC)", "Result", "customerNumber", "referenceID", "Amount from", "Amount to"]);
        page.Field("referenceID").GetAttribute("value").ShouldBe("kept");
        page.Field("Amount from").GetAttribute("value").ShouldBe("1.5");
        page.Find("[role=combobox][aria-label=Result]").TextContent.ShouldBe("Approved");

        page.Field("referenceID").Change("other");
        page.Find("form[aria-label='Filter sales']").Submit();

        page.WaitForAssertion(() => Loaded(page).ShouldBeEmpty());
        Address().ShouldBe("/account/sales?result=Approved&referenceID=other&minAmount=1.5&sort=amount&dir=asc");
        page.Field("Amount from").Change("");
        page.Find("form[aria-label='Filter sales']").Submit();
        page.WaitForAssertion(() => Address().ShouldBe("/account/sales?result=Approved&referenceID=other&sort=amount&dir=asc"));
    }

    [Theory]
    [InlineData("minAmount=abc", "Amount from", "Enter an amount such as 9.99")]
    [InlineData("maxAmount=1,5", "Amount to", "Enter an amount such as 9.99")]
    [InlineData("from=30/11/2026", "From (UTC)", "Enter a date as YYYY-MM-DD")]
    [InlineData("from=2000-01-31&to=2000-01-01", "To (UTC)", "The end date is before the start date (2000-01-31)")]
    [InlineData("minAmount=1&maxAmount=0.5", "Amount to", "The largest amount is below the smallest (1.00)")]
    [InlineData("result=Lost", "Result", "Choose one of: Approved, Declined, Refunded, Pending, Error.")]
    [InlineData("shop=70001", "Shop", "Choose one of your shops.")]
    [InlineData("shop=x", "Shop", "Choose one of your shops.")]
    public async Task Bad_filter_value_gets_a_message_under_its_field_and_filters_nothing(string query, string label, string message)
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var sale = await SalesScenario.BuyAsync(gateway, "9.99");

        var page = await OpenAsync("/account/sales?" + query);

        page.WaitForAssertion(() => Loaded(page).ShouldBe([sale]));
        page.FieldMessage(label).ShouldContain(message);
        page.Find("[role=alert]").TextContent.ShouldContain("Some filters were not applied");
        page.FindAll("a").Select(a => a.TextContent.Trim()).ShouldNotContain("Download CSV");
    }

    [Fact]
    public async Task Bad_amount_is_shown_again_as_typed()
    {
        var page = await OpenAsync("/account/sales?minAmount=abc&from=yesterday");

        page.WaitForAssertion(() => page.Field("Amount from").GetAttribute("aria-invalid").ShouldBe("true"));
        page.Field("Amount from").GetAttribute("value").ShouldBe("abc");
        page.Field("From (UTC)").GetAttribute("value").ShouldBe("yesterday");
    }

    [Fact]
    public async Task Sorting_follows_the_address_and_a_column_header_flips_it()
    {
        var small = await SalesScenario.BuyAsync(gateway, "3.00");
        var large = await SalesScenario.BuyAsync(gateway, "100.00");
        var middle = await SalesScenario.BuyAsync(gateway, "20.00", card: SalesScenario.DeclinedCard);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        async Task Lists(string query, long[] expected)
        {
            var page = await OpenUrlAsync("/account/sales" + query);
            page.WaitForAssertion(() => Loaded(page).ShouldBe(expected, false, query));
        }

        await Lists("?sort=amount&dir=asc", [small, middle, large]);
        await Lists("?sort=amount&dir=desc", [large, middle, small]);
        await Lists("?sort=result&dir=asc", [large, small, middle]);
        await Lists("?sort=date&dir=asc", [small, large, middle]);
        var page = await OpenUrlAsync("/account/sales?sort=amount&dir=asc&result=Approved");
        page.WaitForAssertion(() => Loaded(page).ShouldBe([small, large]));
        page.Find("th[aria-sort]").TextContent.Trim().ShouldBe("Amount");
        page.Find("th[aria-sort]").GetAttribute("aria-sort").ShouldBe("ascending");

        page.FindAll(".sortable-column-header").Single(h => h.TextContent == "Amount").Click();

        page.WaitForAssertion(() => Loaded(page).ShouldBe([large, small]));
        Address().ShouldBe("/account/sales?result=Approved&sort=amount&dir=desc");
    }

    [Fact]
    public async Task Paging_shows_25_a_page_and_the_page_goes_in_the_address()
    {
        var sales = new List<long>();
        for (var i = 0; i < 27; i++)
        {
            sales.Add(await SalesScenario.BuyAsync(gateway, "1.00"));
        }

        var page = await OpenAsync("/account/sales?maxAmount=1");

        page.WaitForAssertion(() => Loaded(page).ShouldBe(Enumerable.Reverse(sales).Take(25)));
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-25 of 27");
        page.Find("button[aria-label='Next page']").Click();
        page.Render(); // a render before the next page's rows come keeps the grid on the page it turned to
        page.WaitForAssertion(() => Loaded(page).ShouldBe([sales[1], sales[0]]));
        Address().ShouldBe("/account/sales?maxAmount=1&sort=date&dir=desc&page=2");
        // A page past the end shows the last one.
        var past = await OpenUrlAsync("/account/sales?page=9");
        past.WaitForAssertion(() => Loaded(past).ShouldBe([sales[1], sales[0]]));
    }

    [Fact]
    public async Task Filtering_from_a_later_page_starts_again_at_the_first()
    {
        var sales = new List<long>();
        for (var i = 0; i < 27; i++)
        {
            sales.Add(await SalesScenario.BuyAsync(gateway, i < 26 ? "1.00" : "2.00"));
        }

        var page = await OpenAsync("/account/sales?page=2");
        page.WaitForAssertion(() => Loaded(page).ShouldBe([sales[1], sales[0]]));

        page.Field("Amount from").Change("2");
        page.Find("form[aria-label='Filter sales']").Submit();

        page.WaitForAssertion(() => Loaded(page).ShouldBe([sales[26]]));
        Address().ShouldBe("/account/sales?minAmount=2&sort=date&dir=desc");
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-1 of 1");
    }

    [Fact]
    public async Task Csv_link_carries_the_filters()
    {
        var page = await OpenAsync("/account/sales?from=2026-11-01&to=2026-11-30&sort=amount&page=2");

        page.WaitForAssertion(() => page.FindAll("a").Single(a => a.TextContent.Trim() == "Download CSV")
            .GetAttribute("href").ShouldBe("/account/sales.csv?from=2026-11-01&to=2026-11-30"));
    }

    /// <summary>Acts as a new staff member of the seeded merchant and opens <paramref name="url"/>.</summary>
    private async Task<IRenderedComponent<SaleList>> OpenAsync(string url)
    {
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return await OpenUrlAsync(url);
    }

    private async Task<IRenderedComponent<SaleList>> OpenUrlAsync(string url)
    {
        // One page at a time, as in a tab: MudBlazor's providers allow one of each.
        await context.DisposeComponentsAsync();
        loadsBefore = Loads();
        context.Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return context.Render<SaleList>();
    }

    /// <summary>The sale ids listed once the grid has loaded since the page opened (it then puts its view in the address).</summary>
    private List<long> Loaded(IRenderedComponent<SaleList> page)
    {
        Loads().ShouldBeGreaterThan(loadsBefore, "the grid has loaded");
        page.FindAll("[aria-busy=true]").ShouldBeEmpty("the grid has shown what it loaded");
        var ids = Listed(page);
        if (ids.Count == 0)
        {
            page.Markup.ShouldContain("No sales match these filters.");
        }

        return ids;
    }

    private int Loads() => context.JSInterop.Invocations.Count(i => i.Identifier == "history.replaceState");

    /// <summary>What the page last put in the address bar.</summary>
    private string Address() => (string)context.JSInterop.Invocations["history.replaceState"][^1].Arguments[2]!;

    /// <summary>The sale ids the grid lists, in its order.</summary>
    private static List<long> Listed(IRenderedComponent<SaleList> page) =>
        page.FindAll("table tbody tr td:first-child a").Select(a => long.Parse(a.TextContent, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>The text of every cell of the list, a line under another (a decline reason) after a space.</summary>
    private static List<string> Cells(IRenderedComponent<SaleList> page) => page.FindAll("table tbody tr td")
        .Select(cell => Words(string.Join(' ', cell.ChildNodes.Select(node => node.TextContent))))
        .ToList();

    private static string Words(IElement element) => Words(element.TextContent);

    private static string Words(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
