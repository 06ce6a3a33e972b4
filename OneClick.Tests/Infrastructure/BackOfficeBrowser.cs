using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OneClick.Tests.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// The Personal Account in Chromium: a gateway on a loopback port with a seeded owner and a merchant
/// site taking its postbacks, people signed in through the real log-in pages, and buyers (without
/// JavaScript) whose purchases fill the pages.
/// </summary>
public sealed class BackOfficeBrowser : IDisposable
{
    public const string OwnerEmail = "owner@browser.test";

    /// <summary>The seeded merchant's second shop in <see cref="TradeForAWeekAsync"/>, whose postback endpoint is down.</summary>
    public const int GiftShopId = 64234;

    /// <summary>The size of the README's screenshots, and of a small laptop.</summary>
    public static readonly ViewportSize Laptop = new() { Width = 1280, Height = 800 };

    private readonly BrowserFixture browser;
    private readonly System.Collections.Concurrent.ConcurrentBag<IPage> signedIn = [];
    private Uri? gatewayAddress;

    public BackOfficeBrowser(BrowserFixture browser)
    {
        this.browser = browser;
        Gateway.Set("OneClick:Seed:OwnerEmail", OwnerEmail)
            .Set("OneClick:Seed:OwnerPassword", BackOfficeStaff.Password)
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:PostbackUrl", MerchantSite.PostbackUrl);
    }

    public GatewayFactory Gateway { get; } = new();

    public MerchantSite MerchantSite { get; } = new();

    public void Dispose()
    {
        // The Personal Account's pages hold circuits (WebSockets) open: closed first, or the gateway's
        // graceful stop waits on them until its shutdown times out.
        foreach (var page in signedIn)
        {
            page.Context.CloseAsync().GetAwaiter().GetResult();
        }

        Gateway.Dispose();
        MerchantSite.Dispose();
    }

    /// <summary>Starts the gateway (once its settings and clock are final) and returns its address.</summary>
    public Uri Started() => gatewayAddress ??= Gateway.StartOnKestrel();

    /// <summary>
    /// Signs in through the log-in page, and the code page for a person with an authenticator key;
    /// the page's console errors, uncaught exceptions and policy violations go to <paramref name="error"/>.
    /// </summary>
    public async Task<IPage> SignInAsync((string Email, string? AuthenticatorKey) person, ViewportSize? viewport = null, Action<string>? error = null)
    {
        var page = await browser.NewPageAsync(Started(), error ?? (_ => { }), viewport: viewport);
        signedIn.Add(page);
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
        // Live before the journey's first click: a link clicked while the circuit takes the prerendered
        // page over can go unanswered on a loaded machine.
        await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        return page;
    }

    public Task<IPage> SignInAsync(string email, ViewportSize? viewport = null, Action<string>? error = null) => SignInAsync((email, null), viewport, error);

    /// <summary>
    /// The page shows <paramref name="heading"/> as its first-level heading and, if it is an interactive
    /// one, is live: a click or a check while the circuit takes the prerendered page over may land on a
    /// node being replaced.
    /// </summary>
    public static async Task ShowsAsync(IPage page, string heading)
    {
        ArgumentNullException.ThrowIfNull(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true, Level = 1 })).ToBeVisibleAsync();
        if (await page.Locator(".mud-layout").CountAsync() > 0)
        {
            await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-interactive", "true");
        }
    }

    /// <summary>A person of the seeded merchant (or an administrator, with an authenticator app), as the People page would make them.</summary>
    public async Task<(string Email, string? AuthenticatorKey)> PersonAsync(string role)
    {
        var merchantId = role == StaffRoles.Administrator ? (int?)null : await BackOfficeStaff.SeededMerchantIdAsync(Gateway);
        var email = $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@browser.test";
        await using var scope = Gateway.Services.CreateAsyncScope();
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

    /// <summary>Refunds part of a sale on its page and confirms it, as the signed-in <paramref name="person"/>: an audit entry and a credit postback follow.</summary>
    public static async Task RefundAsync(IPage person, long saleId, string amount, string reason)
    {
        await person.GotoAsync($"/account/sales/{saleId}");
        await person.GetByLabel("Amount (EUR)").FillAsync(amount);
        await person.GetByLabel("Reason").FillAsync(reason);
        await person.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        await person.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = $"Refund {amount} EUR" }).ClickAsync();
        await Assertions.Expect(person.GetByText($"Refund of {amount} EUR requested")).ToBeVisibleAsync();
    }

    /// <summary>A browser without JavaScript (for the buyers behind the data), talking to the gateway's port.</summary>
    public Buyer NewBuyer() => new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Started() });

    /// <summary>Pays for an order as <see cref="SalesScenario.BuyAsync"/> does, over the gateway's port; returns the saleID.</summary>
    public async Task<long> BuyAsync(string amount, string? customerNumber = null, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey, string card = Buyer.Visa, string currency = "EUR")
    {
        var parameters = Merchant.Purchase(amount, currency, shopId: shopId, customerNumber: customerNumber);
        var referenceId = "ref-" + UniqueText.Letters();
        parameters["referenceID"] = referenceId;
        var buyer = NewBuyer();
        var page = await buyer.PayAsync(await buyer.StartAsync(parameters, key), card);
        page.Heading.ShouldBeOneOf("Payment approved", "Payment declined");
        return await SalesScenario.SaleOfAsync(Gateway, shopId, referenceId);
    }

    /// <summary>
    /// Six days and today of purchases: new and returning customers, one-click payments, declines, a
    /// second shop whose postback endpoint is down, a pending One Click request of another merchant.
    /// Call it with the clock six days back, so that the dashboard's chart has a week to show.
    /// Returns a sale to refund (order-2041) and a returning customer with saved cards.
    /// </summary>
    public async Task<(long SaleId, string CustomerNumber)> TradeForAWeekAsync()
    {
        Started();
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(Gateway);
        const int giftShop = GiftShopId;
        const string giftKey = "GiftShopKey-0123456789abcdefgh";
        await Gateway.WithDbAsync(async db =>
        {
            var shop = new OneClick.Core.Shops.Shop(giftShop, merchantId, "Demo Gift Shop", new Uri("https://gifts.demo.test/"), Gateway.Clock.GetUtcNow().UtcDateTime);
            shop.AddSignatureKey(giftKey, Gateway.Clock.GetUtcNow().UtcDateTime);
            // A loopback address the gateway was not told of (and nothing listens): its deliveries fail, and the postbacks page says so.
            shop.SetUrls(null, null, new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/postback"));
            db.Shops.Add(shop);
            return await db.SaveChangesAsync();
        });
        await Gateway.AddShopAsync(70040, "OtherShopKey-0123456789abcdef", null);
        await Gateway.WithDbAsync(async db =>
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
                Gateway.AdvanceAndSweep(TimeSpan.FromDays(1));
            }
        }

        // The sale to refund: the first customer's saved card once more.
        var last = Merchant.Purchase("29.90", customerNumber: returning[0]);
        last["referenceID"] = "order-2041";
        var buyer = NewBuyer();
        (await buyer.PaySavedAsync(await buyer.StartAsync(last))).Heading.ShouldBe("Payment approved");
        return (await SalesScenario.SaleOfAsync(Gateway, GatewayFactory.ShopId, "order-2041"), returning[0]);
    }
}
