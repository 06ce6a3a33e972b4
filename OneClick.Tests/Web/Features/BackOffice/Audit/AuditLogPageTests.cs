using System.Globalization;
using Bunit;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Audit;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Audit;

/// <summary>
/// /account/audit (bUnit, on a real gateway): the changes of the person's merchant (every change, for
/// an administrator), newest first, filtered by the beginning of the action and paged by the server
/// (50 a page), the view kept in the address.
/// </summary>
public sealed class AuditLogPageTests : IAsyncLifetime, IDisposable
{
    private const string OtherKey = "OtherShopKey-0123456789abcdef";

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public AuditLogPageTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Owner_sees_their_merchants_changes_newest_first_and_the_administrator_every_change()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, await gateway.AddShopAsync(70020, OtherKey, null));
        await AddAsync(merchantId, "shop.settings", 2);
        await AddAsync(otherMerchant, "shop.key.rotate", 1);
        await AddAsync(null, "union.create", 1);

        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var ours = await OpenAsync();
        ours.Find("h1").TextContent.ShouldBe("Audit log");
        ours.FindAll("table thead th").Select(h => h.TextContent.Trim()).ShouldBe(["When (UTC)", "Who", "Action", "Subject", "Before", "After"]);
        var rows = Rows(ours);
        rows.Select(r => r[3]).ShouldBe(["shop.settings 2", "shop.settings 1"]);
        rows[0].ShouldBe([Time(2), "person@shop.test", "shop.settings", "shop.settings 2", "{\"n\":1}", "{\"n\":2}"]);
        ours.Markup.ShouldNotContain("shop.key.rotate");
        ours.Markup.ShouldNotContain("union.create");

        await context.ActAsNewAsync(StaffRoles.Owner, otherMerchant);
        Rows(await OpenAsync()).Select(r => r[3]).ShouldBe(["shop.key.rotate 1"]);

        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        Rows(await OpenAsync()).Select(r => r[3]).ShouldBe(["union.create 1", "shop.key.rotate 1", "shop.settings 2", "shop.settings 1"]);
    }

    [Fact]
    public async Task Staff_members_circuit_lists_no_change()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await AddAsync(merchantId, "shop.settings", 1);
        // The page's policy keeps staff members out; the query behind it answers them nothing too.
        await context.ActAsNewAsync(StaffRoles.Staff, merchantId);

        var page = await OpenAsync();

        Rows(page).ShouldBeEmpty();
        page.Markup.ShouldContain("No changes recorded.");
    }

    [Fact]
    public async Task Action_filter_comes_from_the_address_and_says_when_nothing_matches()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await AddAsync(merchantId, "shop.settings", 2);
        await AddAsync(merchantId, "staff.add", 1);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);

        var shops = await OpenAsync("?action=shop.");

        Rows(shops).Select(r => r[2]).ShouldBe(["shop.settings", "shop.settings"]);
        shops.Field("Action starts with").GetAttribute("value").ShouldBe("shop.");
        var none = await OpenAsync("?action=sale.");
        Rows(none).ShouldBeEmpty();
        none.Markup.ShouldContain("No changes recorded for this filter.");
        context.Address.ShouldBe("/account/audit?action=sale.");
    }

    [Fact]
    public async Task Filtering_puts_the_action_in_the_address_and_starts_at_the_first_page()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await AddAsync(merchantId, "staff.add", 3);
        await AddAsync(merchantId, "customer.deny", 60);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync("?page=2");
        Rows(page).Count.ShouldBe(13);

        page.Type("Action starts with", " staff. ");
        page.Find("form[aria-label='Filter the audit log']").Submit();

        page.WaitForAssertion(() => Rows(page).Select(r => r[3]).ShouldBe(["staff.add 3", "staff.add 2", "staff.add 1"]));
        context.Address.ShouldBe("/account/audit?action=staff.");
        page.Press("Clear");
        page.WaitForAssertion(() => Rows(page).Count.ShouldBe(50));
        context.Address.ShouldBe("/account/audit");
    }

    [Fact]
    public async Task Pages_of_fifty_come_from_the_address_and_a_page_beyond_the_last_shows_the_last()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await AddAsync(merchantId, "customer.deny", 120);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);

        var second = await OpenAsync("?page=2");

        Rows(second).Select(r => r[3]).ShouldBe([.. Enumerable.Range(21, 50).Reverse().Select(n => $"customer.deny {n}")]);
        second.Find(".mud-table-pagination-caption").TextContent.ShouldBe("51-100 of 120");
        context.Address.ShouldBe("/account/audit?page=2");
        var beyond = await OpenAsync("?page=9");
        Rows(beyond).Count.ShouldBe(20);
        context.Address.ShouldBe("/account/audit?page=3");
        // A hand-edited page that is no number is the first.
        Rows(await OpenAsync("?page=abc")).First()[3].ShouldBe("customer.deny 120");
        context.Address.ShouldBe("/account/audit");
    }

    /// <summary>Opens the audit log at <paramref name="query"/> as the context's person, once its grid has loaded (one page at a time).</summary>
    private async Task<IRenderedComponent<AuditLogPage>> OpenAsync(string query = "")
    {
        await context.DisposeComponentsAsync();
        return AuditSteps.OpenList(context, query);
    }

    /// <summary>The grid's rows: their cells' text.</summary>
    private static List<List<string>> Rows(IRenderedComponent<AuditLogPage> page) =>
        [.. page.FindAll("table tbody tr").Where(r => r.QuerySelectorAll("td").Length > 1).Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList())];

    /// <summary>Audit entries <c>{action} 1..count</c> of a merchant (null: gateway-wide), a minute apart in that order.</summary>
    private Task<int> AddAsync(int? merchantId, string action, int count) => gateway.WithDbAsync(db =>
    {
        foreach (var n in Enumerable.Range(1, count))
        {
            db.AuditEntries.Add(new AuditEntry(At(n), null, "person@shop.test", merchantId, action, $"{action} {n}", $"{{\"n\":{n - 1}}}", $"{{\"n\":{n}}}"));
        }

        return db.SaveChangesAsync();
    });

    private static DateTime At(int n) => new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc).AddMinutes(n);

    private static string Time(int n) => At(n).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
