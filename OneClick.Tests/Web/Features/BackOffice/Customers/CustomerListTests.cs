using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// /account/customers (bUnit, on a real gateway): scoped to the unions of the person's shops, turnover
/// at their own shops only, and search, status, order and page searched by the server and kept in
/// the address.
/// </summary>
public sealed class CustomerListTests : IAsyncLifetime, IDisposable
{
    private const string Jane = "jane-1";
    private const string Olga = "olga-7";

    private readonly GatewayFactory gateway = NewGateway();
    private readonly AccountPageContext context;

    public CustomerListTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task List_shows_only_customers_of_the_persons_unions()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var ours = await OpenAsync();

        ours.Find("h1").TextContent.ShouldBe("Customers");
        ours.FindAll("table thead th").Select(h => h.TextContent.Trim())
            .ShouldBe(["Customer number", "Union", "Status", "Saved cards", "One-click today", "One-click this week", "Created"]);
        Numbers(ours).ShouldBe([Jane]);
        ours.Markup.ShouldNotContain(Olga);
        // Searching for the other merchant's customer by name finds nothing either.
        Numbers(await OpenAsync("?q=" + Olga)).ShouldBeEmpty();

        await context.ActAsNewAsync(StaffRoles.Owner, otherMerchant);
        var theirs = await OpenAsync();
        Numbers(theirs).ShouldBe([Olga]);
        theirs.Markup.ShouldNotContain(Jane);
    }

    [Fact]
    public async Task List_row_shows_union_status_live_cards_turnover_and_created()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Jane, card: Mastercard);
        await PaySavedAsync(gateway, Jane, "5.00");
        await PaySavedAsync(gateway, Jane, "2.50");
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var row = Row(await OpenAsync(), Jane);

        var union = await gateway.WithDbAsync(db => db.CustomerUnions.SingleAsync());
        row[0].ShouldBe(Jane);
        row[1].ShouldBe(union.Name);
        row[2].ShouldBe("Member");
        row[3].ShouldBe("2");
        // Full entry that remembers a card is not a one-click payment: only the two saved-card payments count.
        row[4].ShouldBe("7.50 EUR");
        row[5].ShouldBe("7.50 EUR");
        row[6].ShouldEndWith("UTC");
    }

    [Fact]
    public async Task Turnover_today_and_this_week_are_rolling_windows()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await PaySavedAsync(gateway, Jane, "5.00");
        gateway.Clock.Advance(TimeSpan.FromDays(2));
        await PaySavedAsync(gateway, Jane, "3.00");
        await PaySavedAsync(gateway, Jane, "4.00");

        var row = await RowAsNewOwnerAsync(Jane);
        row[4].ShouldBe("7.00 EUR");
        row[5].ShouldBe("12.00 EUR");

        gateway.Clock.Advance(TimeSpan.FromDays(6));
        row = await RowAsNewOwnerAsync(Jane);
        row[4].ShouldBe("—");
        row[5].ShouldBe("7.00 EUR");
    }

    [Fact]
    public async Task Union_of_two_merchants_shows_the_shared_customer_to_both_with_their_own_turnover_only()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        await FirstPurchaseAsync(gateway, Jane);
        await PaySavedAsync(gateway, Jane, "5.00");
        await PaySavedAsync(gateway, Jane, "7.00", OtherShopId, OtherKey);

        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var ourRow = Row(await OpenAsync(), Jane);
        await context.ActAsNewAsync(StaffRoles.Staff, otherMerchant);
        var theirRow = Row(await OpenAsync(), Jane);

        ourRow[4].ShouldBe("5.00 EUR");
        ourRow[5].ShouldBe("5.00 EUR");
        theirRow[4].ShouldBe("7.00 EUR");
        theirRow[5].ShouldBe("7.00 EUR");
        // One customer, one wallet: both see the same card.
        ourRow[3].ShouldBe("1");
        theirRow[3].ShouldBe("1");
    }

    [Fact]
    public async Task Search_by_customer_number_prefix_comes_from_the_address()
    {
        await AddCustomersAsync(30);
        await ActAsOwnerAsync();

        var page = await OpenAsync("?q=c-00");

        Numbers(page).ShouldBe([.. Enumerable.Range(1, 9).Select(Name)]);
        page.Field("Customer number").GetAttribute("value").ShouldBe("c-00");
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-9 of 9");
        context.Address.ShouldBe("/account/customers?q=c-00&sort=number&dir=asc");
    }

    [Fact]
    public async Task Filter_by_status_comes_from_the_address()
    {
        await AddCustomersAsync(30, deny: n => n % 10 == 0);
        await ActAsOwnerAsync();

        var page = await OpenAsync("?status=Deny");

        Numbers(page).ShouldBe([Name(10), Name(20), Name(30)]);
        page.Find("[role=combobox][aria-label=Status]").TextContent.ShouldBe("Deny");
        Numbers(await OpenAsync("?status=deny&q=c-01")).ShouldBe([Name(10)]);
    }

    [Fact]
    public async Task Searching_puts_the_search_in_the_address_and_starts_at_the_first_page()
    {
        await AddCustomersAsync(30);
        await ActAsOwnerAsync();
        var page = await OpenAsync("?page=2");
        Numbers(page).ShouldBe([.. Enumerable.Range(26, 5).Select(Name)]);
        var loads = context.ListLoads;

        // Thirty match, two pages: the search starts again on the first.
        page.Type("Customer number", "c-0");
        page.Find("form[aria-label='Search customers']").Submit();

        page.WaitForAssertion(() => Numbers(page).ShouldBe([.. Enumerable.Range(1, 25).Select(Name)]));
        context.ListLoads.ShouldBeGreaterThan(loads);
        context.Address.ShouldBe("/account/customers?q=c-0&sort=number&dir=asc");
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-25 of 30");

        page.Type("Customer number", "c-01");
        page.Find("form[aria-label='Search customers']").Submit();
        page.WaitForAssertion(() => Numbers(page).ShouldBe([.. Enumerable.Range(10, 10).Select(Name)]));
        context.Address.ShouldBe("/account/customers?q=c-01&sort=number&dir=asc");

        page.Press("Clear");

        page.WaitForAssertion(() => Numbers(page).Count.ShouldBe(25));
        page.Field("Customer number").GetAttribute("value").ShouldBeNullOrEmpty();
        context.Address.ShouldBe("/account/customers?sort=number&dir=asc");
    }

    [Fact]
    public async Task Sort_by_number_status_and_created_in_both_directions_from_the_address()
    {
        await AddCustomersAsync(5, deny: n => n == 2);
        await ActAsOwnerAsync();

        Numbers(await OpenAsync()).ShouldBe([Name(1), Name(2), Name(3), Name(4), Name(5)]);
        Numbers(await OpenAsync("?sort=number&dir=desc")).ShouldBe([Name(5), Name(4), Name(3), Name(2), Name(1)]);
        // Created one after the other, the first the oldest.
        Numbers(await OpenAsync("?sort=created&dir=desc")).ShouldBe([Name(5), Name(4), Name(3), Name(2), Name(1)]);
        Numbers(await OpenAsync("?sort=status&dir=desc"))[0].ShouldBe(Name(2));
        Numbers(await OpenAsync("?sort=status"))[^1].ShouldBe(Name(2));
    }

    [Fact]
    public async Task Column_header_sorts_and_turns_the_direction_and_the_address_follows()
    {
        await AddCustomersAsync(3);
        await ActAsOwnerAsync();
        var page = await OpenAsync("?q=c-&sort=number&dir=asc");
        page.Find("th[aria-sort]").TextContent.Trim().ShouldBe("Customer number");
        page.Find("th[aria-sort]").GetAttribute("aria-sort").ShouldBe("ascending");

        page.FindAll(".sortable-column-header").Single(h => h.TextContent == "Customer number").Click();

        page.WaitForAssertion(() => Numbers(page).ShouldBe([Name(3), Name(2), Name(1)]));
        context.Address.ShouldBe("/account/customers?q=c-&sort=number&dir=desc");
    }

    [Fact]
    public async Task Paging_shows_25_a_page_and_the_page_goes_in_the_address()
    {
        await AddCustomersAsync(30);
        await ActAsOwnerAsync();

        var page = await OpenAsync("?q=c-");

        Numbers(page).Count.ShouldBe(25);
        page.Find(".mud-table-pagination-caption").TextContent.ShouldBe("1-25 of 30");
        page.Find("button[aria-label='Next page']").Click();
        page.Render(); // a render before the next page's rows come keeps the grid on the page it turned to
        page.WaitForAssertion(() => Numbers(page).ShouldBe([.. Enumerable.Range(26, 5).Select(Name)]));
        context.Address.ShouldBe("/account/customers?q=c-&sort=number&dir=asc&page=2");
        // A page past the end shows the last one.
        Numbers(await OpenAsync("?page=99")).ShouldBe([.. Enumerable.Range(26, 5).Select(Name)]);
    }

    [Fact]
    public async Task Bad_search_values_get_a_message_under_the_field_and_are_kept()
    {
        await AddCustomersAsync(3);
        await ActAsOwnerAsync();

        var badNumber = await OpenAsync("?q=" + Uri.EscapeDataString("c 1;drop"));

        badNumber.FieldMessage("Customer number").ShouldContain("letters, digits");
        badNumber.Field("Customer number").GetAttribute("value").ShouldBe("c 1;drop");
        Numbers(badNumber).ShouldBeEmpty();
        badNumber.Markup.ShouldContain("No customers match.");

        var badStatus = await OpenAsync("?q=c-&status=Gold&page=x&sort=nonsense");

        badStatus.FieldMessage("Status").ShouldContain("Choose New, Member or Deny");
        badStatus.Field("Customer number").GetAttribute("value").ShouldBe("c-");
        Numbers(badStatus).Count.ShouldBe(3);
    }

    private static string Name(int n) => $"c-{n:000}";

    private async Task ActAsOwnerAsync() =>
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    /// <summary>The list at this address, as the person acted as sees it once loaded (one page at a time, as in a tab).</summary>
    private async Task<IRenderedComponent<CustomerList>> OpenAsync(string query = "")
    {
        await context.DisposeComponentsAsync();
        return OpenList(context, query);
    }

    /// <summary>A customer's row as a new owner of the seeded merchant sees it, in a circuit of their own (one opened days ago would have ended).</summary>
    private async Task<List<string>> RowAsNewOwnerAsync(string number)
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return Row(OpenList(circuit), number);
    }

    /// <summary>One row of the list by customer number: its cells' text.</summary>
    private static List<string> Row(IRenderedComponent<CustomerList> page, string number) =>
        [.. page.FindAll("table tbody tr")
            .First(r => r.QuerySelector("td a")?.TextContent.Trim() == number)
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim())];

    /// <summary>Customers c-001, c-002, ... of the seeded shop's union, created a minute apart.</summary>
    private Task<int> AddCustomersAsync(int count, Func<int, bool>? deny = null) => gateway.WithDbAsync(async db =>
    {
        var union = await db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.CustomerUnionId).SingleAsync();
        var start = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        for (var n = 1; n <= count; n++)
        {
            var customer = new Customer(union, Name(n), start.AddMinutes(n));
            if (deny?.Invoke(n) == true)
            {
                customer.Deny(start.AddMinutes(n));
            }

            db.Customers.Add(customer);
        }

        return await db.SaveChangesAsync();
    });
}
