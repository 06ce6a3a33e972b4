using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using Xunit.Abstractions;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The Personal Account's main pages, with a week of trade to show, checked by axe-core against WCAG
/// 2.2 AA (decision 033): the pages of signing in, each section for the role that opens it, a detail
/// page behind each list, the "not allowed" page, and the dashboard and lists in the dark theme.
/// </summary>
public sealed class BackOfficeAccessibilityBrowserTests(BackOfficePagesBrowserTests.Week week, ITestOutputHelper output)
    : IClassFixture<BackOfficePagesBrowserTests.Week>
{
    private readonly List<string> serious = [];

    [PagesFact]
    public async Task Owner_sees_the_main_pages_with_no_serious_or_critical_violation()
    {
        var page = await week.Site.SignInAsync(BackOfficeBrowser.OwnerEmail, BackOfficeBrowser.Laptop);
        await Assertions.Expect(page.Locator(".mud-chart svg")).ToBeVisibleAsync();
        await CheckAsync(page, "dashboard");

        await OpenAsync(page, "/account/sales", "Sales");
        await OpenAsync(page, $"/account/sales/{week.SaleId}", $"Sale {week.SaleId}");
        await OpenAsync(page, "/account/customers", "Customers");
        await OpenAsync(page, $"/account/customers/{week.CustomerId}", $"Customer {week.CustomerNumber}");
        await OpenAsync(page, "/account/postbacks", "Postbacks");
        await OpenAsync(page, $"/account/postbacks/{week.FailingDeliveryId}", $"Postback #{week.FailingDeliveryId}");
        await OpenAsync(page, "/account/shops", "Shops");
        await OpenAsync(page, $"/account/shops/{GatewayFactory.ShopId}", "Demo Credits Shop");
        await OpenAsync(page, "/account/staff", "People");
        await OpenAsync(page, "/account/audit", "Audit log");
        await OpenAsync(page, "/account/two-factor", "Two-factor authentication");
        // An owner is refused the administrators' page: the "not allowed" page it is sent to.
        await OpenAsync(page, "/account/admin", "Not allowed");
        page.Url.ShouldContain("/account/denied");

        serious.ShouldBeEmpty();
    }

    [PagesFact]
    public async Task Dashboard_and_lists_in_the_dark_theme_have_no_serious_or_critical_violation()
    {
        var page = await week.Site.SignInAsync(BackOfficeBrowser.OwnerEmail, BackOfficeBrowser.Laptop);
        await page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Light theme" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-chart svg")).ToBeVisibleAsync();

        await CheckAsync(page, "dashboard, dark theme");

        // The choice lasts only the page (each link loads its page in full); a browser set to dark keeps
        // every page dark: the lists, whose chips and alerts carry the status colours, in it.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await OpenAsync(page, "/account/sales", "Sales", "sales, dark theme");
        await OpenAsync(page, "/account/postbacks", "Postbacks", "postbacks, dark theme");
        await OpenAsync(page, $"/account/sales/{week.SaleId}", $"Sale {week.SaleId}", "a sale, dark theme");

        serious.ShouldBeEmpty();
    }

    [PagesFact]
    public async Task Administrator_signs_in_with_a_code_and_sees_administration_with_no_serious_or_critical_violation()
    {
        var (email, key) = await week.Site.PersonAsync(StaffRoles.Administrator);
        var page = await week.Browser.NewPageAsync(week.Site.Started(), _ => { }, viewport: BackOfficeBrowser.Laptop);
        await OpenAsync(page, "/account/login", "Sign in");

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(BackOfficeStaff.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await BackOfficeBrowser.ShowsAsync(page, "Enter your code");
        await CheckAsync(page, "code page");

        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(Totp.Code(key!, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await BackOfficeBrowser.ShowsAsync(page, "Dashboard");
        await OpenAsync(page, "/account/admin", "Administration");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve One Click for Other Shop (70040)" })).ToBeVisibleAsync();

        serious.ShouldBeEmpty();
    }

    /// <summary>Opens <paramref name="url"/>, waits for it to be whole (live, its grid's rows shown) and checks it.</summary>
    private async Task OpenAsync(IPage page, string url, string heading, string? state = null)
    {
        (await page.GotoAsync(url))!.Ok.ShouldBeTrue(url);
        await BackOfficeBrowser.ShowsAsync(page, heading);
        // A list's grid loads its rows once the page is live; axe would otherwise judge its progress bar.
        if (await page.Locator(".mud-table").CountAsync() > 0)
        {
            await Assertions.Expect(page.Locator("[aria-busy='true']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator(".mud-table tbody tr").First).ToBeVisibleAsync();
        }

        await CheckAsync(page, state ?? heading);
    }

    private async Task CheckAsync(IPage page, string state) =>
        serious.AddRange(await AxeCheck.SeriousViolationsAsync(page, state, output.WriteLine));
}
