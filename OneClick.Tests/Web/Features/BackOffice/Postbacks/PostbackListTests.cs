using Bunit;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Postbacks;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Postbacks.PostbacksScenario;

namespace OneClick.Tests.Web.Features.BackOffice.Postbacks;

/// <summary>
/// /account/postbacks (bUnit, on a real gateway): the deliveries at the person's shops, filtered by
/// shop and state, sorted and paged by the server, the view kept in the address; never another
/// merchant's.
/// </summary>
public sealed class PostbackListTests : IAsyncLifetime, IDisposable
{
    private readonly PostbacksScenario scenario = new();
    private readonly AccountPageContext context;

    public PostbackListTests() => context = new AccountPageContext(scenario.Gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task List_shows_own_deliveries_only_and_the_administrator_sees_all()
    {
        var other = await scenario.AddOtherShopAsync();
        var ours = await scenario.BuyAsync();
        var theirs = await scenario.BuyAsync(OtherShopId, OtherKey);
        await scenario.DeliveredAsync(ours);
        await scenario.DeliveredAsync(theirs);
        var seeded = await BackOfficeStaff.SeededMerchantIdAsync(scenario.Gateway);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            await context.ActAsNewAsync(role, seeded);
            var page = await OpenAsync();
            page.Find("h1").TextContent.ShouldBe("Postbacks");
            ListedSales(page).ShouldBe([ours]);
            page.Markup.ShouldNotContain("Other Shop");

            await context.ActAsNewAsync(role, other);
            var theirPage = await OpenAsync();
            ListedSales(theirPage).ShouldBe([theirs]);
            theirPage.Markup.ShouldNotContain("Demo Credits Shop");
        }

        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var admin = await OpenAsync();
        ListedSales(admin).ShouldBe([theirs, ours]); // newest first
        admin.FindAll("table thead th").Select(h => h.TextContent.Trim())
            .ShouldBe(["Delivery", "Sale", "Shop", "Event", "State", "Attempts", "Last attempt", "Next attempt"]);
        var row = Row(admin, await scenario.DeliveryIdAsync(ours));
        row.ShouldContain("Demo Credits Shop");
        row.ShouldContain("sale");
        row.ShouldContain("Delivered");
        row.ShouldContain("HTTP 200 OK");
    }

    [Fact]
    public async Task Shop_filter_with_another_merchants_shop_lists_none_of_its_deliveries()
    {
        await scenario.AddOtherShopAsync();
        var ours = await scenario.BuyAsync();
        var theirs = await scenario.BuyAsync(OtherShopId, OtherKey);
        await scenario.DeliveredAsync(theirs);
        await ActAsOwnerAsync();

        var page = await OpenAsync($"?shop={OtherShopId}");

        ListedSales(page).ShouldBe([ours]);
        page.FieldMessage("Shop").ShouldBe($"\"{OtherShopId}\" is not one of your shops: showing all your shops.");
        page.Markup.ShouldNotContain("Other Shop");
    }

    [Fact]
    public async Task State_filter_lists_failing_pending_delivered_and_given_up_apart()
    {
        var delivered = await scenario.BuyAsync();
        await scenario.DeliveredAsync(delivered);
        scenario.Site.AnswerPostback = _ => Task.FromResult((500, "Internal error"));
        var failing = await scenario.BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await scenario.DeliveryAsync(failing)).Attempts == 1, "the failed attempt is recorded");
        var givenUp = await scenario.InsertGivenUpCreditAsync(delivered);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(scenario.Gateway));

        ListedDeliveries(await OpenAsync()).Count.ShouldBe(3);
        ListedSales(await OpenAsync("?state=failing")).ShouldBe([failing]);
        ListedSales(await OpenAsync("?state=pending")).ShouldBe([failing]);
        ListedSales(await OpenAsync("?state=delivered")).ShouldBe([delivered]);
        ListedDeliveries(await OpenAsync("?state=given-up")).ShouldBe([givenUp]);
        var failingRow = Row(await OpenAsync("?state=failing"), await scenario.DeliveryIdAsync(failing));
        failingRow.ShouldContain("Failing");
        failingRow.ShouldContain("HTTP 500");
        var unknown = await OpenAsync("?state=lost");
        unknown.FieldMessage("State").ShouldBe("\"lost\" is not a state: showing all states.");
        ListedDeliveries(unknown).Count.ShouldBe(3);
        (await OpenAsync("?state=delivered")).Find("[role=combobox][aria-label=State]").TextContent.ShouldBe("Delivered");
    }

    [Fact]
    public async Task Filtering_by_state_puts_it_in_the_address_and_starts_at_the_first_page()
    {
        var saleId = await scenario.BuyAsync();
        await scenario.DeliveredAsync(saleId);
        await scenario.OlderDeliveredAsync(saleId, count: 30);
        await scenario.InsertGivenUpCreditAsync(saleId);
        await ActAsOwnerAsync();
        var page = await OpenAsync("?page=2");
        ListedDeliveries(page).Count.ShouldBe(7);

        // 31 delivered, two pages: the filter starts again on the first.
        page.Choose("State", "Delivered");
        page.Find("form[aria-label='Filter postbacks']").Submit();

        var newest = await scenario.DeliveryIdAsync(saleId);
        page.WaitForAssertion(() =>
        {
            // The pager and the rows render apart: both are waited for.
            page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-25 of 31");
            ListedDeliveries(page)[0].ShouldBe(newest);
        });
        context.Address.ShouldBe("/account/postbacks?state=delivered&sort=created&dir=desc");

        page.Choose("State", "Given up");
        page.Find("form[aria-label='Filter postbacks']").Submit();
        page.WaitForAssertion(() => ListedDeliveries(page).Count.ShouldBe(1));
        context.Address.ShouldBe("/account/postbacks?state=given-up&sort=created&dir=desc");
    }

    [Fact]
    public async Task List_pages_by_25_newest_first_and_the_page_goes_in_the_address()
    {
        var saleId = await scenario.BuyAsync();
        await scenario.DeliveredAsync(saleId);
        await scenario.OlderDeliveredAsync(saleId, count: 30);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(scenario.Gateway));

        var page = await OpenAsync();
        var first = ListedDeliveries(page);
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-25 of 31");
        page.Find("button[aria-label='Next page']").Click();
        page.Render(); // a render before the next page's rows come keeps the grid on the page it turned to

        first.Count.ShouldBe(25);
        first[0].ShouldBe(await scenario.DeliveryIdAsync(saleId)); // the newest
        page.WaitForAssertion(() => ListedDeliveries(page).Count.ShouldBe(6));
        context.Address.ShouldBe("/account/postbacks?sort=created&dir=desc&page=2");
        ListedDeliveries(page).Intersect(first).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_sorts_from_the_address_and_a_column_header_turns_it()
    {
        var saleId = await scenario.BuyAsync();
        await scenario.DeliveredAsync(saleId);
        await scenario.OlderDeliveredAsync(saleId, count: 30);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(scenario.Gateway));
        var newest = ListedDeliveries(await OpenAsync())[0];

        var oldestFirst = await OpenAsync("?sort=created&dir=asc");

        // The 30 made two days ago come first, in the order they were made; the purchase's own is last.
        ListedDeliveries(oldestFirst).ShouldBe(Enumerable.Range(2, 25).Select(i => (long)i).ToList());
        ListedDeliveries(oldestFirst).ShouldNotContain(newest);
        oldestFirst.Find("th[aria-sort=ascending]").TextContent.Trim().ShouldBe("Delivery");

        oldestFirst.FindAll(".sortable-column-header").Single(h => h.TextContent == "Delivery").Click();

        oldestFirst.WaitForAssertion(() => ListedDeliveries(oldestFirst)[0].ShouldBe(newest));
        context.Address.ShouldBe("/account/postbacks?sort=created&dir=desc");
        // An unknown order is the default one (newest first), as a bookmark from an older page expects.
        ListedDeliveries(await OpenAsync("?sort=nonsense"))[0].ShouldBe(newest);
    }

    private async Task ActAsOwnerAsync() =>
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(scenario.Gateway));

    /// <summary>The list at this address as the person acted as sees it once loaded (one page at a time, as in a tab).</summary>
    private async Task<IRenderedComponent<PostbackList>> OpenAsync(string query = "")
    {
        await context.DisposeComponentsAsync();
        return OpenList(context, query);
    }

    /// <summary>The text of a delivery's row.</summary>
    private static string Row(IRenderedComponent<PostbackList> page, long deliveryId) =>
        page.FindAll("table tbody tr").Single(r => r.QuerySelector("td a")?.TextContent.Trim() == $"#{deliveryId}").TextContent;
}
