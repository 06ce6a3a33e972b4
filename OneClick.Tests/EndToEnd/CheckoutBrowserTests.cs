using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>A buyer in Chromium pays on the order page and lands on the merchant's success URL.</summary>
public sealed partial class CheckoutBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly Uri gatewayAddress;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> consoleErrors = [];

    public CheckoutBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        gateway.Set("OneClick:Seed:SuccessUrl", merchant.BaseUrl + "/success")
            .Set("OneClick:Seed:WebsiteUrl", merchant.BaseUrl + "/");
        gatewayAddress = gateway.StartOnKestrel();
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Pay_with_4242_in_chromium_ends_on_success_url_with_valid_signature()
    {
        var page = await OpenOrderPageAsync("9.99", "EUR");

        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
        await AssertLandsOnSuccessUrlAsync(page, "424242XXXXXX4242");
    }

    [Fact]
    public async Task Pay_with_3ds_card_in_chromium_passes_the_challenge_and_ends_on_success_url()
    {
        var page = await OpenOrderPageAsync("25.00", "USD");

        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync("4000 0027 6000 3184");
        await page.GetByLabel("Expiry date").FillAsync("08/31");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("321");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 25.00 USD" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication required" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
        await AssertLandsOnSuccessUrlAsync(page, "400000XXXXXX3184");
    }

    [Fact]
    public async Task Continue_link_goes_to_the_merchant_at_once()
    {
        var page = await OpenOrderPageAsync("5.00", "GBP");
        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync("5555 5555 5555 4444");
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 5.00 GBP" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await AssertLandsOnSuccessUrlAsync(page, "555555XXXXXX4444");
    }

    [Fact]
    public async Task Typing_the_card_number_names_the_brand()
    {
        var page = await OpenOrderPageAsync("1.00", "EUR");

        await page.GetByLabel("Card number", new() { Exact = true }).PressSequentiallyAsync("3782 82");

        // The script ran: the policy and its integrity hash let it through.
        await Assertions.Expect(page.Locator("#card-brand")).ToHaveTextAsync("American Express");
        (await page.GetByLabel("CVC", new() { Exact = true }).GetAttributeAsync("maxlength")).ShouldBe("4");
        consoleErrors.ShouldBeEmpty("no policy violation, missing file or script error on the order page");
    }

    private async Task<IPage> OpenOrderPageAsync(string amount, string currency)
    {
        var page = await browser.NewPageAsync(gatewayAddress, consoleErrors.Add);
        var response = await page.GotoAsync(Merchant.StartOrderUrl(Merchant.Purchase(amount, currency)));
        response!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        return page;
    }

    private async Task AssertLandsOnSuccessUrlAsync(IPage page, string truncatedPan)
    {
        // The approval page goes on by itself (meta refresh, no script) within 5 seconds. The wait allows
        // for a CI machine running the whole suite on 2 cores (it once took over 10 s there; alone, under 1 s).
        await page.WaitForURLAsync(SuccessUrl(), new() { Timeout = 30_000 });
        var ok = Merchant.VerifiedQuery(page.Url);
        ok["truncatedPAN"].ShouldBe(truncatedPan);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, merchant here" })).ToBeVisibleAsync();
        merchant.Requests.ShouldContain(u => u.AbsolutePath == "/success");
    }

    private Regex SuccessUrl() => new("^" + Regex.Escape(merchant.BaseUrl + "/success?"));
}
