using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.BackOffice;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The Personal Account's main journeys in Chromium, each by the person whose job it is: an owner
/// creates a shop and rotates its key, staff deny a customer and refund half a sale, an administrator
/// signed in with two factors approves a One Click request. And the README's screenshots.
/// </summary>
public sealed class BackOfficeBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private const string OwnerEmail = "owner@browser.test";
    private const string Remember = "Remember my card for future purchases";

    private readonly BrowserFixture browser;
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private Uri? gatewayAddress;

    public BackOfficeBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        gateway.Set("OneClick:Seed:OwnerEmail", OwnerEmail)
            .Set("OneClick:Seed:OwnerPassword", BackOfficeStaff.Password)
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Postbacks:SweepInterval", "00:00:01");
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    /// <summary>Starts the gateway (once its settings and clock are final) and returns its address.</summary>
    private Uri Started() => gatewayAddress ??= gateway.StartOnKestrel();

    [Fact]
    public async Task Owner_creates_a_shop_and_rotates_its_key()
    {
        Started();
        var page = await SignInAsync(OwnerEmail);

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
        var firstKeyId = await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == 81002).SelectMany(s => s.SignatureKeys).Where(k => k.Secret == firstKey).Select(k => k.Id).SingleAsync());
        (await StartOrderAsync(81002, firstKey)).ShouldBe(HttpStatusCode.SeeOther, "both active keys sign while the site moves over");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Retire key #{firstKeyId}", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Key #{firstKeyId} is retired");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Retire") })).ToHaveCountAsync(0);
        (await page.ContentAsync()).ShouldNotContain(secondKey);
        (await StartOrderAsync(81002, firstKey)).ShouldNotBe(HttpStatusCode.SeeOther, "the retired key signs no more");
        (await StartOrderAsync(81002, secondKey)).ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Staff_denies_a_customer_and_the_order_page_then_offers_no_remembering()
    {
        Started();
        var buyer = NewBuyer();
        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase("10.00", customerNumber: "c-deny")), remember: true)).Heading.ShouldBe("Payment approved");
        var staff = await SignInAsync(await PersonAsync(StaffRoles.Staff));

        await staff.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true }).ClickAsync();
        await staff.GetByLabel("Customer number").FillAsync("c-deny");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = "c-deny", Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Customer c-deny" })).ToBeVisibleAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Set Deny" }).ClickAsync();

        await Assertions.Expect(staff.GetByRole(AriaRole.Button, new() { Name = "Set Member" })).ToBeVisibleAsync();
        await Assertions.Expect(staff.Locator("#customer-status-heading + dl .badge")).ToHaveTextAsync("Deny");

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
        Started();
        var saleId = await BuyAsync("10.00");
        var staff = await SignInAsync(await PersonAsync(StaffRoles.Staff));

        await staff.GetByRole(AriaRole.Link, new() { Name = "Sales", Exact = true }).ClickAsync();
        await staff.GetByRole(AriaRole.Link, new() { Name = saleId.ToString(CultureInfo.InvariantCulture), Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = $"Sale {saleId}" })).ToBeVisibleAsync();
        await staff.GetByLabel("Amount (EUR)").FillAsync("5.00");
        await staff.GetByLabel("Reason").FillAsync("Half the credits were never used");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();

        await Assertions.Expect(staff.GetByText("Refund of 5.00 EUR requested")).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByLabel("Amount (EUR)")).ToHaveValueAsync("5.00");
        await GatewayFactory.EventuallyAsync(
            () => Task.FromResult(merchant.Postbacks.Any(p =>
            {
                var fields = Merchant.ParseQuery(p.Url.Query);
                return fields.GetValueOrDefault("event") == "credit" && fields.GetValueOrDefault("priceAmount") == "5.00"
                    && fields.GetValueOrDefault("saleID") == saleId.ToString(CultureInfo.InvariantCulture)
                    && Merchant.VerifiedQuery(p.Url.ToString()).Count > 0;
            })),
            "the merchant receives the signed credit postback of 5.00");
    }

    [Fact]
    public async Task Administrator_signed_in_with_two_factors_approves_a_One_Click_request()
    {
        Started();
        await gateway.AddShopAsync(70030, "OtherShopKey-0123456789abcdef", null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == 70030)).RequestOneClick();
            return await db.SaveChangesAsync();
        });
        var admin = await SignInAsync(await PersonAsync(StaffRoles.Administrator));

        await admin.GetByRole(AriaRole.Link, new() { Name = "Administration", Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Approve One Click for Other Shop (70030)" }).ClickAsync();

        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByText("No pending requests.")).ToBeVisibleAsync();
        (await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == 70030).Select(s => s.OneClickEnabled).SingleAsync())).ShouldBeTrue();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Shops", Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Other Shop", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator("#one-click-status")).ToHaveTextAsync("On");
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
        gateway.Clock.Advance(TimeSpan.FromDays(-6));
        merchant.AnswerPostback = n => Task.FromResult(n % 7 == 0 ? (503, "Busy") : (200, "OK"));
        Started();
        var (saleId, customerNumber) = await TradeForAWeekAsync();
        var owner = await SignInAsync(OwnerEmail, viewport: true);
        await owner.GotoAsync($"/account/sales/{saleId}");
        await owner.GetByLabel("Amount (EUR)").FillAsync("10.00");
        await owner.GetByLabel("Reason").FillAsync("Part of the order was out of stock");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        await Assertions.Expect(owner.GetByText("Refund of 10.00 EUR requested")).ToBeVisibleAsync();
        var customerId = await gateway.WithDbAsync(db => db.Customers.Where(c => c.Number == customerNumber).Select(c => c.Id).FirstAsync());
        var admin = await SignInAsync(await PersonAsync(StaffRoles.Administrator), viewport: true);

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
        var folder = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        foreach (var (person, url, file, heading) in shots)
        {
            (await person.GotoAsync(url))!.Ok.ShouldBeTrue(url);
            await Assertions.Expect(person.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            var png = await person.ScreenshotAsync(new() { FullPage = true, Type = ScreenshotType.Png });
            png.Length.ShouldBeGreaterThan(10_000, url);
            if (write)
            {
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, file + ".png"), png);
            }
        }
    }

    /// <summary>
    /// Six days and today of purchases: new and returning customers, one-click payments, declines, a
    /// second shop whose postback endpoint is down, a partial refund, a pending One Click request.
    /// Returns the refunded sale and a returning customer.
    /// </summary>
    private async Task<(long SaleId, string CustomerNumber)> TradeForAWeekAsync()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        const int giftShop = 64234;
        const string giftKey = "GiftShopKey-0123456789abcdefgh";
        await gateway.WithDbAsync(async db =>
        {
            var shop = new OneClick.Core.Shops.Shop(giftShop, merchantId, "Demo Gift Shop", new Uri("https://gifts.demo.test/"), gateway.Clock.GetUtcNow().UtcDateTime);
            shop.AddSignatureKey(giftKey, gateway.Clock.GetUtcNow().UtcDateTime);
            // Nothing listens there: its deliveries fail and the postbacks page says so.
            shop.SetUrls(null, null, new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/postback"));
            db.Shops.Add(shop);
            return await db.SaveChangesAsync();
        });
        await gateway.AddShopAsync(70040, "OtherShopKey-0123456789abcdef", null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == 70040)).RequestOneClick();
            return await db.SaveChangesAsync();
        });

        string[] amounts = ["9.99", "19.99", "4.99", "49.00", "9.99", "24.50"];
        var returning = new List<string>();
        for (var day = 0; day <= 6; day++)
        {
            for (var i = 0; i < 2 + (day % 3); i++)
            {
                var amount = amounts[(day + i) % amounts.Length];
                var number = string.Create(CultureInfo.InvariantCulture, $"c-{1000 + (day * 10) + i}");
                if (i == 1 && returning.Count > 0)
                {
                    // A returning customer pays with their saved card and its CVC.
                    var customer = returning[day % returning.Count];
                    var again = NewBuyer();
                    var page = await again.StartAsync(Merchant.Purchase(amount, customerNumber: customer));
                    (await again.PaySavedAsync(page)).Heading.ShouldBe("Payment approved");
                    continue;
                }

                var card = (day + i) % 5 == 4 ? SalesScenario.DeclinedCard : (i % 2 == 0 ? Buyer.Visa : "5555 5555 5555 4444");
                await BuyAsync(amount, customerNumber: number, card: card);
                if (card != SalesScenario.DeclinedCard)
                {
                    returning.Add(number);
                }
            }

            await BuyAsync("15.00", shopId: giftShop, key: giftKey, currency: "USD");
            if (day < 6)
            {
                gateway.AdvanceAndSweep(TimeSpan.FromDays(1));
            }
        }

        // The sale to refund: the first customer's saved card once more.
        var last = Merchant.Purchase("29.90", customerNumber: returning[0]);
        last["referenceID"] = "order-2041";
        var buyer = NewBuyer();
        (await buyer.PaySavedAsync(await buyer.StartAsync(last))).Heading.ShouldBe("Payment approved");
        return (await SalesScenario.SaleOfAsync(gateway, GatewayFactory.ShopId, "order-2041"), returning[0]);
    }

    /// <summary>Signs in through the log-in page, and the code page for a person with an authenticator key.</summary>
    private async Task<IPage> SignInAsync((string Email, string? AuthenticatorKey) person, bool viewport = false)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = Started().ToString(),
            ViewportSize = viewport ? new ViewportSize { Width = 1280, Height = 800 } : null,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(person.Email);
        await page.GetByLabel("Password").FillAsync(BackOfficeStaff.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        if (person.AuthenticatorKey is { } key)
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter your code" })).ToBeVisibleAsync();
            await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    private Task<IPage> SignInAsync(string email, bool viewport = false) => SignInAsync((email, null), viewport);

    /// <summary>A person of the seeded merchant (or an administrator, with an authenticator app), as the People page would make them.</summary>
    private async Task<(string Email, string? AuthenticatorKey)> PersonAsync(string role)
    {
        var merchantId = role == StaffRoles.Administrator ? (int?)null : await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@browser.test";
        await using var scope = gateway.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId, DisplayName = email, CreatedAt = DateTime.UtcNow };
        (await users.CreateAsync(user, BackOfficeStaff.Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
        if (role != StaffRoles.Administrator)
        {
            return (email, null);
        }

        // Administrators sign in with two factors.
        (await users.ResetAuthenticatorKeyAsync(user)).Succeeded.ShouldBeTrue();
        var key = await users.GetAuthenticatorKeyAsync(user);
        (await users.SetTwoFactorEnabledAsync(user, true)).Succeeded.ShouldBeTrue();
        return (email, key);
    }

    private async Task<IPage> OrderPageAsync(string customerNumber)
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = Started().ToString() });
        var page = await context.NewPageAsync();
        (await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase("5.00", customerNumber: customerNumber))))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<HttpStatusCode> StartOrderAsync(int shopId, string key)
    {
        return (await NewBuyer().Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase(shopId: shopId), key))).StatusCode;
    }

    /// <summary>A browser without JavaScript (for the buyers behind the data), talking to the gateway's port.</summary>
    private Buyer NewBuyer() => new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Started() });

    /// <summary>Pays for an order as <see cref="SalesScenario.BuyAsync"/> does, over the gateway's port; returns the saleID.</summary>
    private async Task<long> BuyAsync(string amount, string? customerNumber = null, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey, string card = Buyer.Visa, string currency = "EUR")
    {
        var parameters = Merchant.Purchase(amount, currency, shopId: shopId, customerNumber: customerNumber);
        var referenceId = "ref-" + Guid.NewGuid().ToString("N");
        parameters["referenceID"] = referenceId;
        var buyer = NewBuyer();
        var page = await buyer.PayAsync(await buyer.StartAsync(parameters, key), card);
        page.Heading.ShouldBeOneOf("Payment approved", "Payment declined");
        return await SalesScenario.SaleOfAsync(gateway, shopId, referenceId);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OneClick.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No OneClick.sln above {AppContext.BaseDirectory}");
    }
}
