using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The demo flow of the README in Chromium: the demo shop runs on its own origin next to the
/// gateway, the seeded shop points at it by default, and credits bought there arrive by postback.
/// </summary>
public sealed class DemoShopBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly GatewayFactory gateway = new();
    private readonly string demoShopUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";

    public DemoShopBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        // The seed's URLs left unset, so that the shop's defaults point at the demo shop.
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
    public async Task Buy_credits_in_the_demo_shop_pay_on_the_gateway_and_see_them_arrive()
    {
        var page = await OpenDemoShopAsync();
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("0 credits");

        await page.GetByRole(AriaRole.Link, new() { Name = "Buy 100 credits", Exact = true }).ClickAsync();
        await PayAsync(page, "4242 4242 4242 4242", "Pay 9.99 EUR");

        // Back on the shop: it waits for the postback, then shows the new balance.
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(demoShopUrl + "/return?")), new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("100 credits", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("100 credits");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Paid", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Declined_card_comes_back_to_the_demo_shop_decline_page()
    {
        var page = await OpenDemoShopAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Buy 500 credits", Exact = true }).ClickAsync();
        await PayAsync(page, "4000 0000 0000 0002", "Pay 39.99 EUR");

        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(demoShopUrl + "/declined?")), new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment declined" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("0 credits");
    }

    private async Task<IPage> OpenDemoShopAsync()
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
        gateway.Logs.All.ShouldContain("Demo shop: " + demoShopUrl);

        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        (await page.GotoAsync(demoShopUrl))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo Credits Shop" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task PayAsync(IPage page, string cardNumber, string payButton)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync(cardNumber);
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = payButton }).ClickAsync();
    }
}
