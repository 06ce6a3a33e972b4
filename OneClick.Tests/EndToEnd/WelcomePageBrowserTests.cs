using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.DemoShop;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// A newcomer's first page: the gateway's root, in Chromium, with the demo shop running next to it.
/// Each link leads to what it promises, and no page on the way breaks a rule of the CSP.
/// </summary>
public sealed class WelcomePageBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly GatewayFactory gateway = new();
    private readonly string demoShopUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
    private readonly Uri gatewayAddress;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> errors = [];

    public WelcomePageBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        gateway.Set("OneClick:DemoShop:Enabled", "true")
            .Set("OneClick:DemoShop:Url", demoShopUrl)
            .Set("OneClick:Seed:WebsiteUrl", null)
            .Set("OneClick:Seed:SuccessUrl", null)
            .Set("OneClick:Seed:PostbackUrl", null);
        gatewayAddress = gateway.StartOnKestrel();
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Root_page_links_lead_to_the_demo_shop_the_Personal_Account_the_API_reference_and_the_health_check()
    {
        // The gateway starts the demo shop once it listens itself; the page links it from then on.
        var demoShop = gateway.Services.GetRequiredService<RunningDemoShop>();
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(demoShop.Url is not null), "the demo shop runs");
        var page = await browser.NewPageAsync(gatewayAddress, errors.Add);

        await OpenAsync(page, "Open the demo shop");
        await Assertions.Expect(page).ToHaveURLAsync(demoShopUrl + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo Credits Shop", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Buy 100 credits", Exact = true })).ToBeVisibleAsync();

        await OpenAsync(page, "Sign in to the Personal Account");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToBeVisibleAsync();

        await OpenAsync(page, "API reference");
        await Assertions.Expect(page.GetByText("Create an order paid on the hosted page")).ToBeVisibleAsync();

        await OpenAsync(page, "OpenAPI document");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("\"openapi\"");

        await OpenAsync(page, "Health check");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("\"status\": \"Healthy\"");

        errors.ShouldBeEmpty("no console error, page error or policy violation on the front page or behind its links");
    }

    /// <summary>From the front page, follows the link of that name.</summary>
    private static async Task OpenAsync(IPage page, string link)
    {
        (await page.GotoAsync("/"))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "OneClick payment gateway", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
    }
}
