using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The Personal Account's main journeys in Chromium, each by the person whose job it is: an owner
/// creates a shop and rotates its key and adds and removes a person, staff deny a customer and refund
/// half a sale, an administrator signed in with two factors approves a One Click request. And the
/// README's screenshots.
/// </summary>
public sealed class BackOfficeBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private const string OwnerEmail = BackOfficeBrowser.OwnerEmail;
    private const string Remember = "Remember my card for future purchases";

    private readonly BrowserFixture browser;
    private readonly BackOfficeBrowser site;

    public BackOfficeBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        site = new BackOfficeBrowser(browser);
    }

    public void Dispose() => site.Dispose();

    [Fact]
    public async Task Owner_creates_a_shop_and_rotates_its_key()
    {
        site.Started();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var page = await site.SignInAsync(OwnerEmail, error: errors.Enqueue);

        await page.GetByRole(AriaRole.Link, new() { Name = "Shops", Exact = true }).ClickAsync();
        await page.GetByLabel("Shop ID").FillAsync("81002");
        await page.GetByLabel("Shop name").FillAsync("Browser Shop");
        await page.GetByLabel("Shop website URL").FillAsync("https://browser-shop.test/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create shop" }).ClickAsync();

        var created = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Shop 81002 is created" });
        await Assertions.Expect(created).ToBeVisibleAsync();
        var firstKey = (await created.Locator("code").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up Browser Shop" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Browser Shop", Level = 1 })).ToBeVisibleAsync();
        (await page.ContentAsync()).ShouldNotContain(firstKey);
        (await StartOrderAsync(81002, firstKey)).ShouldBe(HttpStatusCode.SeeOther);

        // Rotation: a second key, then the first retired.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create a new key" }).ClickAsync();
        var newKey = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your new signature key" });
        await Assertions.Expect(newKey).ToBeVisibleAsync();
        var secondKey = (await newKey.Locator("code").TextContentAsync())!.Trim();
        secondKey.ShouldNotBe(firstKey);
        var firstKeyId = await site.Gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == 81002).SelectMany(s => s.SignatureKeys).Where(k => k.Secret == firstKey).Select(k => k.Id).SingleAsync());
        (await StartOrderAsync(81002, firstKey)).ShouldBe(HttpStatusCode.SeeOther, "both active keys sign while the site moves over");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Retire key #{firstKeyId}", Exact = true }).ClickAsync();
        var confirmation = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirmation).ToContainTextAsync($"Retire key #{firstKeyId}?");
        await confirmation.GetByRole(AriaRole.Button, new() { Name = "Yes, retire key" }).ClickAsync();

        await Assertions.Expect(page.GetByText($"Key #{firstKeyId} is retired")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Retire") })).ToHaveCountAsync(0);
        (await page.ContentAsync()).ShouldNotContain(secondKey);
        (await StartOrderAsync(81002, firstKey)).ShouldNotBe(HttpStatusCode.SeeOther, "the retired key signs no more");
        (await StartOrderAsync(81002, secondKey)).ShouldBe(HttpStatusCode.SeeOther);
        errors.Concat((await BrowserFixture.PolicyViolationsAsync(page)).Select(v => "violation on " + v))
            .ShouldBeEmpty("console errors, uncaught exceptions and Content-Security-Policy violations");
    }

    [Fact]
    public async Task Staff_denies_a_customer_and_the_order_page_then_offers_no_remembering()
    {
        site.Started();
        var buyer = site.NewBuyer();
        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase("10.00", customerNumber: "c-deny")), remember: true)).Heading.ShouldBe("Payment approved");
        var other = site.NewBuyer();
        (await other.PayAsync(await other.StartAsync(Merchant.Purchase("10.00", customerNumber: "c-other")), remember: true)).Heading.ShouldBe("Payment approved");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var staff = await site.SignInAsync(await site.PersonAsync(StaffRoles.Staff), error: errors.Enqueue);

        await staff.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true }).ClickAsync();
        var grid = staff.GetByRole(AriaRole.Table);
        await Assertions.Expect(grid.GetByRole(AriaRole.Link, new() { Name = "c-other" })).ToBeVisibleAsync();
        await staff.GetByLabel("Customer number").FillAsync("c-deny");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(grid.GetByRole(AriaRole.Link, new() { Name = "c-other" })).ToHaveCountAsync(0);
        await grid.GetByRole(AriaRole.Link, new() { Name = "c-deny", Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Customer c-deny" })).ToBeVisibleAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Set Deny" }).ClickAsync();
        var confirmation = staff.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirmation).ToContainTextAsync("Set customer c-deny to Deny?");
        await confirmation.GetByRole(AriaRole.Button, new() { Name = "Yes, set Deny" }).ClickAsync();

        await Assertions.Expect(staff.GetByText("The customer is set to Deny.")).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Button, new() { Name = "Set Member" })).ToBeVisibleAsync();
        await Assertions.Expect(staff.Locator("#customer-status-heading + dl .mud-chip").First).ToHaveTextAsync("Deny");
        errors.Concat((await BrowserFixture.PolicyViolationsAsync(staff)).Select(v => "violation on " + v))
            .ShouldBeEmpty("console errors, uncaught exceptions and Content-Security-Policy violations");

        // A new customer is still offered to remember their card; the denied one is not, nor their saved card.
        var newcomer = await OrderPageAsync("c-newcomer");
        await Assertions.Expect(newcomer.GetByLabel(Remember)).ToBeVisibleAsync();
        var denied = await OrderPageAsync("c-deny");
        await Assertions.Expect(denied.GetByLabel("Card number", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(denied.GetByLabel(Remember)).ToHaveCountAsync(0);
        await Assertions.Expect(denied.GetByRole(AriaRole.Group, new() { Name = "Saved card" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Staff_refunds_half_a_sale_and_the_merchant_gets_the_credit_postback()
    {
        site.Started();
        var saleId = await site.BuyAsync("10.00");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var staff = await site.SignInAsync(await site.PersonAsync(StaffRoles.Staff), error: errors.Enqueue);

        await staff.GetByRole(AriaRole.Link, new() { Name = "Sales", Exact = true }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = saleId.ToString(CultureInfo.InvariantCulture), Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = $"Sale {saleId}" })).ToBeVisibleAsync();
        await staff.GetByLabel("Amount (EUR)").FillAsync("5.00");
        await staff.GetByLabel("Reason").FillAsync("Half the credits were never used");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        var confirmation = staff.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirmation).ToContainTextAsync("5.00 EUR of sale");
        await confirmation.GetByRole(AriaRole.Button, new() { Name = "Refund 5.00 EUR" }).ClickAsync();

        await Assertions.Expect(staff.GetByText("Refund of 5.00 EUR requested")).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByLabel("Amount (EUR)")).ToHaveValueAsync("5.00");
        await GatewayFactory.EventuallyAsync(
            () => Task.FromResult(site.MerchantSite.Postbacks.Any(p =>
            {
                var fields = Merchant.ParseQuery(p.Url.Query);
                return fields.GetValueOrDefault("event") == "credit" && fields.GetValueOrDefault("priceAmount") == "5.00"
                    && fields.GetValueOrDefault("saleID") == saleId.ToString(CultureInfo.InvariantCulture)
                    && Merchant.VerifiedQuery(p.Url.ToString()).Count > 0;
            })),
            "the merchant receives the signed credit postback of 5.00");
        errors.Concat((await BrowserFixture.PolicyViolationsAsync(staff)).Select(v => "violation on " + v))
            .ShouldBeEmpty("console errors, uncaught exceptions and Content-Security-Policy violations");
    }

    [Fact]
    public async Task Administrator_signed_in_with_two_factors_approves_a_One_Click_request()
    {
        site.Started();
        await site.Gateway.AddShopAsync(70030, "OtherShopKey-0123456789abcdef", null);
        await site.Gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == 70030)).RequestOneClick();
            return await db.SaveChangesAsync();
        });
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var admin = await site.SignInAsync(await site.PersonAsync(StaffRoles.Administrator), error: errors.Enqueue);

        await admin.GetByRole(AriaRole.Link, new() { Name = "Administration", Exact = true }).ClickAsync();
        // Disabled until the page is live: the click waits for it.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Approve One Click for Other Shop (70030)" }).ClickAsync();

        await Assertions.Expect(admin.GetByText("One Click is on for Other Shop (70030).")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByText("No pending requests.")).ToBeVisibleAsync();
        (await site.Gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == 70030).Select(s => s.OneClickEnabled).SingleAsync())).ShouldBeTrue();
        errors.Concat((await BrowserFixture.PolicyViolationsAsync(admin)).Select(v => "violation on " + v))
            .ShouldBeEmpty("console errors, uncaught exceptions and Content-Security-Policy violations");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Shops", Exact = true }).ClickAsync();
        // Live before the next click: a link clicked while the circuit takes the new page over can go unanswered.
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Shops", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator(".mud-layout")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        await admin.GetByRole(AriaRole.Link, new() { Name = "Other Shop", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator("#one-click-status")).ToHaveTextAsync("On", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task Owner_adds_a_person_and_removes_them_once_confirmed()
    {
        site.Started();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var owner = await site.SignInAsync(OwnerEmail, error: errors.Enqueue);

        await owner.GetByRole(AriaRole.Link, new() { Name = "People", Exact = true }).ClickAsync();
        await owner.GetByLabel("Email", new() { Exact = true }).FillAsync("browser-clerk@shop.test");
        await owner.GetByLabel("Name", new() { Exact = true }).FillAsync("Browser Clerk");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();

        // No public URL is configured here: the person is added without an e-mail, and the owner is told.
        await Assertions.Expect(owner.GetByText("browser-clerk@shop.test is added")).ToBeVisibleAsync();
        var grid = owner.GetByRole(AriaRole.Table);
        await Assertions.Expect(grid.GetByRole(AriaRole.Cell, new() { Name = "Browser Clerk", Exact = true })).ToBeVisibleAsync();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Remove browser-clerk@shop.test" }).ClickAsync();
        var confirmation = owner.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirmation).ToContainTextAsync("Remove browser-clerk@shop.test?");
        await confirmation.GetByRole(AriaRole.Button, new() { Name = "Yes, remove" }).ClickAsync();

        await Assertions.Expect(owner.GetByText("browser-clerk@shop.test can no longer sign in.")).ToBeVisibleAsync();
        await Assertions.Expect(grid.GetByRole(AriaRole.Cell, new() { Name = "Browser Clerk", Exact = true })).ToHaveCountAsync(0);
        (await site.Gateway.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "browser-clerk@shop.test"))).ShouldBe(0);
        errors.Concat((await BrowserFixture.PolicyViolationsAsync(owner)).Select(v => "violation on " + v))
            .ShouldBeEmpty("console errors, uncaught exceptions and Content-Security-Policy violations");
    }

    /// <summary>
    /// The README's pictures of the main pages, with a week of made-up trade behind them. Written to
    /// docs/screenshots only with ONECLICK_SCREENSHOTS=1, so that a test run never rewrites the docs.
    /// </summary>
    [Fact]
    public async Task Screenshots_of_the_main_pages_show_real_data()
    {
        var write = Environment.GetEnvironmentVariable("ONECLICK_SCREENSHOTS") == "1";
        // The trade starts six days ago, so that the dashboard's chart has a week to show.
        site.Gateway.Clock.Advance(TimeSpan.FromDays(-6));
        site.MerchantSite.AnswerPostback = n => Task.FromResult(n % 7 == 0 ? (503, "Busy") : (200, "OK"));
        site.Started();
        var (saleId, customerNumber) = await site.TradeForAWeekAsync();
        var owner = await site.SignInAsync(OwnerEmail, BackOfficeBrowser.Laptop);
        await BackOfficeBrowser.RefundAsync(owner, saleId, "10.00", "Part of the order was out of stock");
        var customerId = await site.Gateway.WithDbAsync(db => db.Customers.Where(c => c.Number == customerNumber).Select(c => c.Id).FirstAsync());
        var admin = await site.SignInAsync(await site.PersonAsync(StaffRoles.Administrator), BackOfficeBrowser.Laptop);

        var shots = new (IPage Person, string Url, string File, string Heading)[]
        {
            (owner, "/account", "dashboard", "Dashboard"),
            (owner, "/account/sales", "sales", "Sales"),
            (owner, $"/account/sales/{saleId}", "sale", $"Sale {saleId}"),
            (owner, "/account/customers", "customers", "Customers"),
            (owner, $"/account/customers/{customerId}", "customer", $"Customer {customerNumber}"),
            (owner, "/account/postbacks", "postbacks", "Postbacks"),
            (owner, $"/account/shops/{GatewayFactory.ShopId}", "shop", "Demo Credits Shop"),
            (admin, "/account/admin", "administration", "Administration"),
        };
        var folder = RepositoryFolder.PathOf("docs", "screenshots");
        foreach (var (person, url, file, heading) in shots)
        {
            (await person.GotoAsync(url))!.Ok.ShouldBeTrue(url);
            await Assertions.Expect(person.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            if (file is "sales" or "customers" or "postbacks")
            {
                // The grid loads its rows once the page is live.
                await Assertions.Expect(person.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link).First).ToBeVisibleAsync();
            }

            var png = await person.ScreenshotAsync(new() { FullPage = true, Type = ScreenshotType.Png });
            png.Length.ShouldBeGreaterThan(10_000, url);
            if (write)
            {
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, file + ".png"), png);
            }
        }
    }

    private async Task<IPage> OrderPageAsync(string customerNumber)
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = site.Started().ToString() });
        var page = await context.NewPageAsync();
        (await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase("5.00", customerNumber: customerNumber))))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<HttpStatusCode> StartOrderAsync(int shopId, string key)
    {
        return (await site.NewBuyer().Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase(shopId: shopId), key))).StatusCode;
    }
}
