using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The buyer's pages in every state a buyer meets, checked by axe-core against WCAG 2.2 AA, used
/// with the keyboard alone, on a 320-pixel screen and at 200% zoom (issue 23).
/// </summary>
public sealed class OrderPageAccessibilityBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly ITestOutputHelper output;
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly Uri gatewayAddress;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> consoleErrors = [];
    private readonly List<string> serious = [];

    public OrderPageAccessibilityBrowserTests(BrowserFixture browser, ITestOutputHelper output)
    {
        this.browser = browser;
        this.output = output;
        gateway.Set("OneClick:Seed:SuccessUrl", merchant.BaseUrl + "/success")
            .Set("OneClick:Seed:DeclineUrl", merchant.BaseUrl + "/declined")
            .Set("OneClick:Seed:WebsiteUrl", merchant.BaseUrl + "/")
            .Set("OneClick:Seed:OneClickEnabled", "true");
        gatewayAddress = gateway.StartOnKestrel();
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [PagesFact]
    public async Task Order_page_empty_with_errors_and_declined_has_no_serious_or_critical_violation()
    {
        var page = await OpenOrderPageAsync(Merchant.Purchase("9.99", "EUR"));
        await CheckAsync(page, "order page, empty form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();
        await Assertions.Expect(page.Locator(".is-invalid").First).ToBeVisibleAsync();
        await CheckAsync(page, "order page, errors shown");

        await FillCardAsync(page, "4000 0000 0000 0002");
        await BrowserFixture.HoldingTheWayToAsync(page, merchant.BaseUrl + "/declined", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment declined" })).ToBeVisibleAsync();
            await CheckAsync(page, "decline page", AxeCheck.RedirectRequiredByTheProtocol);
        });

        serious.ShouldBeEmpty();
        consoleErrors.ShouldBeEmpty();
    }

    [PagesFact]
    public async Task Challenge_approval_and_saved_cards_have_no_serious_or_critical_violation()
    {
        var page = await OpenOrderPageAsync(Merchant.Purchase("25.00", "USD", customerNumber: "a11y-buyer"));
        await FillCardAsync(page, "4000 0027 6000 3184");
        await page.GetByLabel("Remember my card for future purchases").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 25.00 USD" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication required" })).ToBeVisibleAsync();
        await CheckAsync(page, "3-D Secure challenge");

        await BrowserFixture.HoldingTheWayToAsync(page, merchant.BaseUrl + "/success", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
            await CheckAsync(page, "approval page", AxeCheck.RedirectRequiredByTheProtocol);
        });

        (await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase("5.00", "USD", customerNumber: "a11y-buyer"))))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Saved card" })).ToBeVisibleAsync();
        await CheckAsync(page, "order page, saved cards");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay with saved card" }).ClickAsync();
        await Assertions.Expect(page.Locator(".invalid-feedback").First).ToBeVisibleAsync();
        await CheckAsync(page, "order page, saved cards with an error");

        serious.ShouldBeEmpty();
        consoleErrors.ShouldBeEmpty();
    }

    [PagesFact]
    public async Task Error_pages_a_buyer_can_meet_have_no_serious_or_critical_violation()
    {
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add, expected: text => text.Contains("status of 4", StringComparison.Ordinal));
        await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase(amount: "nine")));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await CheckAsync(page, "startorder error page");

        await page.GotoAsync("/order/no-such-order-0000000000");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await CheckAsync(page, "page not found");

        serious.ShouldBeEmpty();
    }

    [PagesTheory]
    [InlineData(320, 640)] // WCAG 1.4.10: content reflows at 320 CSS pixels
    [InlineData(640, 400)] // a 1280 × 800 window zoomed to 200%
    public async Task Order_page_fits_a_narrow_screen_without_sideways_scrolling(int width, int height)
    {
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add, viewport: new() { Width = width, Height = height });
        (await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase("1234.56", "EUR", description: "A year of unlimited chat credits, renewed by hand"))))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await FitsAsync(page, "empty form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 1234.56 EUR" }).ClickAsync();
        await Assertions.Expect(page.Locator(".is-invalid").First).ToBeVisibleAsync();
        await FitsAsync(page, "errors shown");
    }

    [PagesFact]
    public async Task Keyboard_alone_pays_in_the_order_of_the_form_with_the_focus_always_shown()
    {
        var page = await OpenOrderPageAsync(Merchant.Purchase("7.50", "EUR"));
        var visited = new List<string>();

        // From the top of the page, Tab walks the form in reading order; each stop shows its focus.
        await page.Locator("body").FocusAsync();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var (name, shown) = await FocusedAsync(page);
            visited.Add(name);
            shown.ShouldBeTrue($"the focus on {name} is visible");
        }

        visited.ShouldBe(["card-number", "card-expiry", "card-cvc", "card-holder", "card-remember", "Pay 7.50 EUR"]);

        // A first try with the expiry left out: the error is named, tied to its field, and the page says so first.
        for (var i = 0; i < 5; i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await page.Keyboard.TypeAsync("4242424242424242");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("123");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Kim Keys");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        var expiry = page.GetByLabel("Expiry date");
        await Assertions.Expect(expiry).ToHaveAttributeAsync("aria-invalid", "true");
        var described = (await expiry.GetAttributeAsync("aria-describedby"))!;
        await Assertions.Expect(page.Locator("#" + described)).ToContainTextAsync("expiry");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Expiry date");

        // Then the keyboard alone fixes it and pays (the number and CVC are never sent back: typed again).
        await page.GetByLabel("Card number", new() { Exact = true }).FocusAsync();
        await page.Keyboard.TypeAsync("4242424242424242");
        await expiry.FocusAsync();
        await page.Keyboard.TypeAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FocusAsync();
        await page.Keyboard.TypeAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 7.50 EUR" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
        consoleErrors.ShouldBeEmpty();
    }

    /// <summary>
    /// The order page on a phone (390 × 844, as an iPhone 14 shows it), whole; the picture in
    /// docs/screenshots is written only with ONECLICK_SCREENSHOTS=1, so that a test run never rewrites the docs.
    /// </summary>
    [PagesFact]
    public async Task Order_page_on_a_phone_fits_its_screen()
    {
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add, viewport: new() { Width = 390, Height = 844 });
        (await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase("9.99", "EUR", description: "100 credits"))))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await FitsAsync(page, "phone");
        // The whole form and its button are on the first screen.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" })).ToBeInViewportAsync();

        var png = await page.ScreenshotAsync(new() { FullPage = true, Type = ScreenshotType.Png });
        png.Length.ShouldBeGreaterThan(5_000);
        if (Environment.GetEnvironmentVariable("ONECLICK_SCREENSHOTS") == "1")
        {
            var folder = RepositoryFolder.PathOf("docs", "screenshots");
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "order-page-phone.png"), png);
        }

        serious.AddRange(await AxeCheck.SeriousViolationsAsync(page, "order page on a phone", output.WriteLine));
        serious.ShouldBeEmpty();
        consoleErrors.ShouldBeEmpty();
    }

    private async Task<IPage> OpenOrderPageAsync(Dictionary<string, string> purchase)
    {
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add);
        (await page.GotoAsync(Merchant.StartOrderUrl(purchase)))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task FillCardAsync(IPage page, string number)
    {
        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync(number);
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Alex Able");
    }

    private async Task CheckAsync(IPage page, string state, IReadOnlyDictionary<string, string>? excused = null) =>
        serious.AddRange(await AxeCheck.SeriousViolationsAsync(page, state, output.WriteLine, excused));

    private static async Task FitsAsync(IPage page, string state)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        widths[0].ShouldBeLessThanOrEqualTo(widths[1], $"{state}: {widths[0]} pixels of content in a {widths[1]}-pixel window");
    }

    /// <summary>The focused control (its id, else its text) and whether it shows an outline or a focus ring.</summary>
    private static async Task<(string Name, bool Shown)> FocusedAsync(IPage page)
    {
        var focused = await page.EvaluateAsync<string[]>("""
            () => {
                const e = document.activeElement;
                const style = getComputedStyle(e);
                const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
                return [e.id || e.textContent.trim(), String(ring)];
            }
            """);
        return (focused[0], focused[1] == "true");
    }
}
