using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// One Click in Chromium through the demo shop (issue 4, PROTOCOL.md section 4 rules 1-4): the
/// first purchase remembers the card, the second is charged with no input at all, and the same
/// shop user in a fresh browser is not charged without input but gets the order page.
/// </summary>
public sealed class DemoShopOneClickBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly GatewayFactory gateway = new();
    private readonly string demoShopUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";

    public DemoShopOneClickBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        // OneClickEnabled left unset: with the demo shop running, the seed switches One Click on.
        gateway.Set("OneClick:DemoShop:Enabled", "true")
            .Set("OneClick:DemoShop:Url", demoShopUrl)
            .Set("OneClick:Seed:WebsiteUrl", null)
            .Set("OneClick:Seed:SuccessUrl", null)
            .Set("OneClick:Seed:DeclineUrl", null)
            .Set("OneClick:Seed:PostbackUrl", null);
        gateway.StartOnKestrel();
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Remembered_card_buys_again_with_one_click_and_a_fresh_browser_is_not_charged_without_input()
    {
        await WaitForDemoShopAsync();
        var first = await NewBrowserAsync();
        (await first.GotoAsync(demoShopUrl))!.Ok.ShouldBeTrue();
        var user = (await first.Locator("#user").TextContentAsync())!.Trim();
        await Assertions.Expect(first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100) })).ToHaveCountAsync(0);

        // 1. A full purchase: the offer to remember the card is checked by default, so just pay.
        await first.GetByRole(AriaRole.Link, new() { Name = "Buy 100 credits", Exact = true }).ClickAsync();
        await Assertions.Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await Assertions.Expect(first.GetByLabel("Remember my card for future purchases")).ToBeCheckedAsync();
        await first.GetByLabel("Card number", new() { Exact = true }).FillAsync("4242 4242 4242 4242");
        await first.GetByLabel("Expiry date").FillAsync("12/30");
        await first.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await first.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await first.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();
        await BackOnTheShopWithAsync(first, "100 credits");

        // 2. Buy again with one click: no field, no button on the way. Had the gateway shown any
        // page that needs input, the buyer would never come back to the shop.
        var oneClick = first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true });
        await Assertions.Expect(oneClick).ToBeVisibleAsync();
        await oneClick.ClickAsync();
        await BackOnTheShopWithAsync(first, "200 credits");
        // The one-click sale brought a new token.
        await Assertions.Expect(first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true })).ToBeVisibleAsync();

        // 3. The same shop user in a fresh browser: its token is from another browser (no
        // remembered-card cookie here), so the gateway must not charge it without input and falls
        // back to the order page (rule 4). Asking for the CVC only comes with the customerNumber
        // wallet (issue 5); the browser wallet has no card to offer in this browser.
        var fresh = await NewBrowserAsync();
        (await fresh.GotoAsync($"{demoShopUrl}/?user={user}"))!.Ok.ShouldBeTrue();
        await Assertions.Expect(fresh.Locator("#user")).ToHaveTextAsync(user);
        await Assertions.Expect(fresh.Locator("#balance")).ToHaveTextAsync("200 credits");
        await fresh.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true }).ClickAsync();

        await fresh.WaitForURLAsync(new Regex("^" + Regex.Escape(gateway.ClientOptions.BaseAddress.ToString().TrimEnd('/')) + "/order/"));
        await Assertions.Expect(fresh.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Pay( \d|$)") })).ToBeVisibleAsync();
        // Nothing was charged: the purchase waits for payment and the balance has not moved.
        (await first.GotoAsync(demoShopUrl))!.Ok.ShouldBeTrue();
        await Assertions.Expect(first.Locator("#balance")).ToHaveTextAsync("200 credits");
        await Assertions.Expect(first.Locator("tbody tr").First.GetByRole(AriaRole.Cell, new() { Name = "Waiting for payment", Exact = true })).ToBeVisibleAsync();
        // The shop sent its token once and forgot it until the next sale brings one.
        await Assertions.Expect(first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true })).ToHaveCountAsync(0);
    }

    private static string OneClickLink(int credits) => $"Buy {credits} credits again with one click";

    private async Task BackOnTheShopWithAsync(IPage page, string balance)
    {
        // The approval page goes on by itself within 5 s; the shop's page then waits for the postback.
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(demoShopUrl + "/return?")), new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync(balance, new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync(balance);
    }

    /// <summary>A new browser context: its own cookies, as a second browser on another machine.</summary>
    private async Task<IPage> NewBrowserAsync()
    {
        var context = await browser.Browser.NewContextAsync();
        return await context.NewPageAsync();
    }

    private async Task WaitForDemoShopAsync()
    {
        // The gateway starts the demo shop once it listens itself.
        await GatewayFactory.EventuallyAsync(async () =>
        {
            using var client = new HttpClient();
            try
            {
                return (await client.GetAsync(new Uri(demoShopUrl + "/health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the demo shop answers /health");
    }
}
