using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// /account/customers: scoped to the unions of the person's shops, turnover at their own shops only,
/// and search, filter, sort and paging carried by the query string.
/// </summary>
public sealed class CustomerListTests : IDisposable
{
    private const string Jane = "jane-1";
    private const string Olga = "olga-7";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task List_shows_only_customers_of_the_persons_unions()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey);
        var ours = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var theirs = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant);

        var ourList = await ours.GetAsync("/account/customers");
        var theirList = await theirs.GetAsync("/account/customers");

        ourList.Heading.ShouldBe("Customers");
        Numbers(ourList).ShouldBe([Jane]);
        ourList.Text.ShouldNotContain(Olga);
        Numbers(theirList).ShouldBe([Olga]);
        theirList.Text.ShouldNotContain(Jane);
        // Searching for the other merchant's customer by name finds nothing either.
        Numbers(await ours.GetAsync("/account/customers?q=" + Olga)).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_row_shows_union_status_live_cards_turnover_and_created()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Jane, card: Mastercard);
        await PaySavedAsync(gateway, Jane, "5.00");
        await PaySavedAsync(gateway, Jane, "2.50");
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var row = Row(await staff.GetAsync("/account/customers"), Jane);

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
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var row = Row(await staff.GetAsync("/account/customers"), Jane);
        row[4].ShouldBe("7.00 EUR");
        row[5].ShouldBe("12.00 EUR");

        gateway.Clock.Advance(TimeSpan.FromDays(6));
        // The session ended with the days gone by: sign in again.
        staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        row = Row(await staff.GetAsync("/account/customers"), Jane);
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
        var ours = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var theirs = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, otherMerchant);

        var ourRow = Row(await ours.GetAsync("/account/customers"), Jane);
        var theirRow = Row(await theirs.GetAsync("/account/customers"), Jane);

        ourRow[4].ShouldBe("5.00 EUR");
        ourRow[5].ShouldBe("5.00 EUR");
        theirRow[4].ShouldBe("7.00 EUR");
        theirRow[5].ShouldBe("7.00 EUR");
        // One customer, one wallet: both see the same card.
        ourRow[3].ShouldBe("1");
        theirRow[3].ShouldBe("1");
    }

    [Fact]
    public async Task Search_by_customer_number_prefix_comes_from_the_query_string()
    {
        await AddCustomersAsync(30);
        var staff = await SignedInOwnerAsync();

        var page = await staff.GetAsync("/account/customers?q=c-00");

        Numbers(page).ShouldBe([.. Enumerable.Range(1, 9).Select(Name)]);
        page.Document.QuerySelector("input[name=q]")!.GetAttribute("value").ShouldBe("c-00");
        page.Text.ShouldContain("9 customers");
    }

    [Fact]
    public async Task Filter_by_status_comes_from_the_query_string()
    {
        await AddCustomersAsync(30, deny: n => n % 10 == 0);
        var staff = await SignedInOwnerAsync();

        var page = await staff.GetAsync("/account/customers?status=Deny");

        Numbers(page).ShouldBe([Name(10), Name(20), Name(30)]);
        page.Document.QuerySelector("select[name=status] option[selected]")!.GetAttribute("value").ShouldBe("Deny");
        Numbers(await staff.GetAsync("/account/customers?status=Deny&q=c-01")).ShouldBe([Name(10)]);
    }

    [Fact]
    public async Task Sort_by_number_status_and_created_in_both_directions()
    {
        await AddCustomersAsync(5, deny: n => n == 2);
        var staff = await SignedInOwnerAsync();

        Numbers(await staff.GetAsync("/account/customers")).ShouldBe([Name(1), Name(2), Name(3), Name(4), Name(5)]);
        Numbers(await staff.GetAsync("/account/customers?sort=number&dir=desc")).ShouldBe([Name(5), Name(4), Name(3), Name(2), Name(1)]);
        // Created one after the other, the first the oldest.
        Numbers(await staff.GetAsync("/account/customers?sort=created&dir=desc")).ShouldBe([Name(5), Name(4), Name(3), Name(2), Name(1)]);
        Numbers(await staff.GetAsync("/account/customers?sort=status&dir=desc"))[0].ShouldBe(Name(2));
        Numbers(await staff.GetAsync("/account/customers?sort=status"))[^1].ShouldBe(Name(2));
    }

    [Fact]
    public async Task Column_headers_are_links_that_sort_and_turn_the_direction()
    {
        await AddCustomersAsync(3);
        var staff = await SignedInOwnerAsync();

        var page = await staff.GetAsync("/account/customers?q=c-&sort=number&dir=asc");

        var number = page.Document.QuerySelector("th[aria-sort] a")!;
        page.Document.QuerySelector("th[aria-sort]")!.GetAttribute("aria-sort").ShouldBe("ascending");
        number.GetAttribute("href").ShouldBe("/account/customers?q=c-&sort=number&dir=desc");
        page.LinkHref("Created").ShouldBe("/account/customers?q=c-&sort=created&dir=asc");
        Numbers(await staff.GetAsync(number.GetAttribute("href")!)).ShouldBe([Name(3), Name(2), Name(1)]);
    }

    [Fact]
    public async Task Paging_shows_25_per_page_with_links_that_keep_the_search()
    {
        await AddCustomersAsync(30);
        var staff = await SignedInOwnerAsync();

        var first = await staff.GetAsync("/account/customers?q=c-");
        var second = await staff.GetAsync(first.LinkHref("Next")!);

        Numbers(first).Count.ShouldBe(25);
        first.Text.ShouldContain("30 customers, page 1 of 2");
        first.LinkHref("Next").ShouldBe("/account/customers?q=c-&sort=number&dir=asc&page=2");
        Numbers(second).ShouldBe([.. Enumerable.Range(26, 5).Select(Name)]);
        second.LinkHref("Previous").ShouldBe("/account/customers?q=c-&sort=number&dir=asc");
        // A page past the end shows the last one.
        Numbers(await staff.GetAsync("/account/customers?page=99")).ShouldBe([.. Enumerable.Range(26, 5).Select(Name)]);
    }

    [Fact]
    public async Task Bad_search_values_get_a_message_next_to_the_field_and_are_kept()
    {
        await AddCustomersAsync(3);
        var staff = await SignedInOwnerAsync();

        var badNumber = await staff.GetAsync("/account/customers?q=" + Uri.EscapeDataString("c 1;drop"));
        var badStatus = await staff.GetAsync("/account/customers?q=c-&status=Gold&page=x&sort=nonsense");

        badNumber.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        badNumber.FieldMessage("Customer number").ShouldContain("letters, digits");
        badNumber.Document.QuerySelector("input[name=q]")!.GetAttribute("value").ShouldBe("c 1;drop");
        Numbers(badNumber).ShouldBeEmpty();
        badStatus.Status.ShouldBe(System.Net.HttpStatusCode.OK);
        badStatus.FieldMessage("Status").ShouldContain("Choose New, Member or Deny");
        badStatus.Document.QuerySelector("input[name=q]")!.GetAttribute("value").ShouldBe("c-");
        Numbers(badStatus).Count.ShouldBe(3);
    }

    private static string Name(int n) => $"c-{n:000}";

    private async Task<Buyer> SignedInOwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

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
