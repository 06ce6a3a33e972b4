using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>/account/sales: scoped to the person's shops, filtered, sorted and paged through the query string.</summary>
public sealed class SaleListTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    [Fact]
    public async Task List_shows_own_sales_with_their_columns_and_never_another_merchants()
    {
        var own = await SalesScenario.BuyAsync(gateway, "12.50", referenceId: "order-77", customerNumber: "cust-1");
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var foreign = await SalesScenario.BuyAsync(gateway, referenceId: "foreign-1", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);

        var page = await (await OwnerAsync()).GetAsync("/account/sales");

        page.Heading.ShouldBe("Sales");
        SalesScenario.ListedSaleIds(page).ShouldBe([own]);
        page.Document.QuerySelectorAll("table thead th").Select(Words)
            .ShouldBe(["saleID", "Date ▼", "Shop", "referenceID", "customerNumber", "Amount", "Card", "One-click", "Result", "Channel"]);
        var cells = Cells(page);
        cells.ShouldContain("order-77");
        cells.ShouldContain("cust-1");
        cells.ShouldContain("12.50 EUR");
        cells.ShouldContain("Visa 424242XXXXXX4242");
        cells.ShouldContain("no");
        cells.ShouldContain("Approved");
        cells.ShouldContain($"Demo Credits Shop {GatewayFactory.ShopId}");
        cells.ShouldContain("startorder");
        // The caption says times are UTC; each time need not.
        cells.ShouldContain(c => System.Text.RegularExpressions.Regex.IsMatch(c, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        page.Document.QuerySelector("table caption")!.TextContent.ShouldContain("Times are UTC.");
        page.Html.ShouldNotContain("foreign-1");
        page.Html.ShouldNotContain($"/account/sales/{foreign}\"");
        page.Html.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Declined_sale_shows_its_reason_in_words_under_the_result()
    {
        await SalesScenario.BuyAsync(gateway, card: SalesScenario.DeclinedCard);

        var page = await (await OwnerAsync()).GetAsync("/account/sales");

        // Under the result, not in a column of its own that approved sales leave empty.
        Cells(page).ShouldContain("Declined Card declined by the bank");
    }

    [Fact]
    public async Task Filters_each_narrow_the_list()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var early = await SalesScenario.BuyAsync(gateway, "5.00", referenceId: "early", customerNumber: "alice");
        gateway.Clock.Advance(TimeSpan.FromDays(3));
        var declined = await SalesScenario.BuyAsync(gateway, "20.00", referenceId: "late-declined", customerNumber: "bob", card: SalesScenario.DeclinedCard);
        var late = await SalesScenario.BuyAsync(gateway, "50.00", referenceId: "late", customerNumber: "alice");
        var today = DateOnly.FromDateTime(gateway.Clock.GetUtcNow().UtcDateTime);
        var staff = await OwnerAsync();

        async Task<List<long>> ListedAsync(string query) => SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales" + query));

        (await ListedAsync("")).ShouldBe([late, declined, early]);
        (await ListedAsync($"?shop={GatewayFactory.ShopId}")).ShouldBe([late, declined, early]);
        (await ListedAsync($"?from={today:yyyy-MM-dd}")).ShouldBe([late, declined]);
        (await ListedAsync($"?to={today.AddDays(-1):yyyy-MM-dd}")).ShouldBe([early]);
        (await ListedAsync($"?from={today.AddDays(-3):yyyy-MM-dd}&to={today.AddDays(-3):yyyy-MM-dd}")).ShouldBe([early]);
        (await ListedAsync("?result=Declined")).ShouldBe([declined]);
        (await ListedAsync("?result=approved")).ShouldBe([late, early]);
        (await ListedAsync("?result=Refunded")).ShouldBeEmpty();
        (await ListedAsync("?customerNumber=alice")).ShouldBe([late, early]);
        (await ListedAsync("?referenceID=late")).ShouldBe([late]);
        (await ListedAsync("?minAmount=20")).ShouldBe([late, declined]);
        (await ListedAsync("?maxAmount=20.00")).ShouldBe([declined, early]);
        (await ListedAsync("?minAmount=5.01&maxAmount=49.99")).ShouldBe([declined]);
        (await ListedAsync("?customerNumber=alice&minAmount=10")).ShouldBe([late]);
    }

    [Fact]
    public async Task Filter_form_is_a_get_form_that_keeps_the_typed_values()
    {
        await SalesScenario.BuyAsync(gateway, referenceId: "kept");
        var page = await (await OwnerAsync()).GetAsync("/account/sales?referenceID=kept&result=Approved&minAmount=1.5");

        var form = page.Document.QuerySelector("form[aria-label='Filter sales']")!;
        form.GetAttribute("method").ShouldBe("get");
        page.Document.QuerySelector("#filter-reference")!.GetAttribute("value").ShouldBe("kept");
        page.Document.QuerySelector("#filter-min")!.GetAttribute("value").ShouldBe("1.5");
        page.Document.QuerySelector("#filter-result option[selected]")!.TextContent.ShouldBe("Approved");
        page.Document.QuerySelectorAll("label").Select(l => l.TextContent.Trim())
            .ShouldBe(["Shop", "From (UTC)", "To (UTC)", "Result", "customerNumber", "referenceID", "Amount from", "Amount to"]);
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
    public async Task Bad_filter_value_gets_a_message_next_to_its_field_and_filters_nothing(string query, string label, string message)
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var sale = await SalesScenario.BuyAsync(gateway, "9.99");

        var page = await (await OwnerAsync()).GetAsync("/account/sales?" + query);

        page.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        page.FieldMessage(label).ShouldContain(message);
        page.Text.ShouldContain("Some filters were not applied");
        SalesScenario.ListedSaleIds(page).ShouldBe([sale]);
    }

    [Fact]
    public async Task Bad_amount_is_shown_again_as_typed()
    {
        var page = await (await OwnerAsync()).GetAsync("/account/sales?minAmount=abc&from=yesterday");

        page.Document.QuerySelector("#filter-min")!.GetAttribute("value").ShouldBe("abc");
        page.Document.QuerySelector("#filter-min")!.GetAttribute("aria-invalid").ShouldBe("true");
        page.Document.QuerySelector("#filter-from")!.GetAttribute("value").ShouldBe("yesterday");
        page.Document.QuerySelector("#filter-from")!.GetAttribute("type").ShouldBe("text");
    }

    [Fact]
    public async Task Sorting_by_amount_and_result_follows_the_query_string()
    {
        var small = await SalesScenario.BuyAsync(gateway, "3.00");
        var large = await SalesScenario.BuyAsync(gateway, "100.00");
        var middle = await SalesScenario.BuyAsync(gateway, "20.00", card: SalesScenario.DeclinedCard);
        var staff = await OwnerAsync();

        SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales?sort=amount&dir=asc")).ShouldBe([small, middle, large]);
        SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales?sort=amount&dir=desc")).ShouldBe([large, middle, small]);
        SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales?sort=result&dir=asc")).ShouldBe([large, small, middle]);
        SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales?sort=date&dir=asc")).ShouldBe([small, large, middle]);
        var page = await staff.GetAsync("/account/sales?sort=amount&dir=asc&result=Approved");
        page.Document.QuerySelector("th[aria-sort]")!.TextContent.Trim().ShouldStartWith("Amount");
        page.Document.QuerySelector("th[aria-sort]")!.GetAttribute("aria-sort").ShouldBe("ascending");
        // The column's link flips the order and keeps the filters.
        page.LinkHref("Amount ▲").ShouldBe("/account/sales?result=Approved&sort=amount&dir=desc");
    }

    [Fact]
    public async Task Paging_shows_25_a_page_with_links_that_keep_the_filters()
    {
        var sales = new List<long>();
        for (var i = 0; i < 27; i++)
        {
            sales.Add(await SalesScenario.BuyAsync(gateway, "1.00"));
        }

        var staff = await OwnerAsync();

        var first = await staff.GetAsync("/account/sales?maxAmount=1");
        SalesScenario.ListedSaleIds(first).ShouldBe(Enumerable.Reverse(sales).Take(25));
        first.Text.ShouldContain("27 sales, page 1 of 2");
        var next = first.LinkHref("Next").ShouldNotBeNull();
        next.ShouldBe("/account/sales?maxAmount=1&page=2");
        var second = await staff.GetAsync(next);
        SalesScenario.ListedSaleIds(second).ShouldBe([sales[1], sales[0]]);
        second.LinkHref("Previous").ShouldBe("/account/sales?maxAmount=1");
        second.Document.QuerySelector("nav[aria-label='Sales pages'] [aria-current=page]")!.TextContent.ShouldBe("2");
        // A page past the end shows the last one.
        SalesScenario.ListedSaleIds(await staff.GetAsync("/account/sales?page=9")).ShouldBe([sales[1], sales[0]]);
    }

    [Fact]
    public async Task Csv_link_carries_the_filters()
    {
        var page = await (await OwnerAsync()).GetAsync("/account/sales?from=2026-11-01&to=2026-11-30&sort=amount&page=2");

        page.LinkHref("Download CSV").ShouldBe("/account/sales.csv?from=2026-11-01&to=2026-11-30");
    }

    /// <summary>The text of every cell of the list, a line under another (a decline reason) after a space.</summary>
    private static List<string> Cells(Page page) => page.Document.QuerySelectorAll("table tbody tr td")
        .Select(cell => Words(string.Join(' ', cell.ChildNodes.Select(node => node.TextContent))))
        .ToList();

    private static string Words(AngleSharp.Dom.IElement element) => Words(element.TextContent);

    private static string Words(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
