using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// The browsable API reference (Swagger UI at /api/docs) works in Chromium under the page's
/// Content-Security-Policy: every operation shows, and "Try it out" calls the API with a key.
/// </summary>
public sealed class ApiDocsBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly GatewayFactory gateway = new();
    private readonly Uri gatewayAddress;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> consoleErrors = [];

    public ApiDocsBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        gateway.Set("OneClick:Seed:ApiKey", MerchantApi.SeededKey);
        gatewayAddress = gateway.StartOnKestrel();
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Swagger_ui_lists_every_operation_and_tries_one_with_the_api_key_without_a_policy_violation()
    {
        // A Content-Security-Policy violation is a console error; the 404 the try-out asks for is one too.
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add, expected: text => text.Contains("404", StringComparison.Ordinal));

        var response = await page.GotoAsync("/api/docs");
        response!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.Locator(".opblock")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByText("Create an order paid on the hosted page")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Deactivate a contract for good")).ToBeVisibleAsync();

        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".auth-container input").FillAsync(MerchantApi.SeededKey);
        await page.Locator(".auth-btn-wrapper button.authorize").ClickAsync();
        await page.Locator(".auth-btn-wrapper button.btn-done").ClickAsync();

        await page.Locator("#operations-Orders-GetOrder .opblock-summary").ClickAsync();
        await page.Locator("#operations-Orders-GetOrder .try-out__btn").ClickAsync();
        await page.Locator("#operations-Orders-GetOrder input[placeholder='orderId']").FillAsync("no-such-order");
        await page.Locator("#operations-Orders-GetOrder .execute").ClickAsync();

        // The API answered the browser (connect-src 'self'), with the key: 404 problem details, not 401.
        var live = page.Locator("#operations-Orders-GetOrder .live-responses-table .response .response-col_status");
        await Assertions.Expect(live).ToHaveTextAsync("404");
        await Assertions.Expect(page.Locator("#operations-Orders-GetOrder .live-responses-table")).ToContainTextAsync("has no order with orderId 'no-such-order'");

        var models = page.Locator("section.models");
        await Assertions.Expect(models).Not.ToContainTextAsync("channel");
        await models.Locator("button.json-schema-2020-12-accordion", new() { HasText = "OrderDetails" }).ClickAsync();
        await Assertions.Expect(models).ToContainTextAsync("channel");
        consoleErrors.ShouldBeEmpty("no policy violation, missing file or script error on the API reference page");
    }
}
