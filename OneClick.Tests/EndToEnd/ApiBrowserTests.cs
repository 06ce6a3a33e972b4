using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// A buyer in Chromium pays API orders on the hosted page (docs/protocol.md section 7): the contract's first
/// payment with card entry, then a SUBSEQUENT_PAYMENT with no card entry, both through the 3-D Secure
/// challenge, each ending on the merchant's resultUrl.
/// </summary>
public sealed class ApiBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BrowserFixture browser;
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly Uri gatewayAddress;
    private readonly HttpClient apiClient;
    private readonly MerchantApi api;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> consoleErrors = [];

    public ApiBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        gateway.Set("OneClick:Seed:ApiKey", MerchantApi.SeededKey).AllowRedirectsTo(merchant.BaseUrl);
        gatewayAddress = gateway.StartOnKestrel();
        // The merchant's server calls the gateway over the loopback, as the browser does.
        apiClient = new HttpClient { BaseAddress = gatewayAddress };
        api = new MerchantApi(apiClient);
    }

    public void Dispose()
    {
        apiClient.Dispose();
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task SubsequentPayment_in_chromium_passes_the_3ds_challenge_and_ends_on_resultUrl()
    {
        var page = await NewPageAsync();

        // The contract: its first payment on the hosted page, with the card and 3-D Secure.
        var (creation, _) = await CreateOrderAsync("order-1", "CONTRACT_CREATION", 999);
        await page.GotoAsync(creation);
        await Assertions.Expect(page.GetByText("will save this card for your future payments")).ToBeVisibleAsync();
        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication required" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
        await page.WaitForURLAsync(ResultUrl(), new() { Timeout = 10_000 });
        (await api.GetAsync("/api/v1/contracts/customers/cust-1")).Status.ShouldBe(HttpStatusCode.OK);

        // The subsequent payment: the saved card shown masked, nothing to type, then the challenge.
        var (subsequent, securityToken) = await CreateOrderAsync("order-2", "SUBSEQUENT_PAYMENT", 2500);
        await page.GotoAsync(subsequent);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay with your saved card" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Visa •••• 4242")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Card number")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("CVC")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 25.00 EUR" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication required" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("25.00 EUR")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment approved" })).ToBeVisibleAsync();
        // The approval page goes on by itself (meta refresh, no script) to the resultUrl with the signed OK data.
        await page.WaitForURLAsync(ResultUrl(), new() { Timeout = 10_000 });
        var ok = Merchant.VerifiedQuery(page.Url);
        (ok["referenceID"], ok["priceAmount"], ok["contractId"], ok["securityToken"], ok["truncatedPAN"])
            .ShouldBe(("order-2", "25.00", "contract-1", securityToken, "424242XXXXXX4242"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, merchant here" })).ToBeVisibleAsync();

        var order = await api.GetAsync("/api/v1/orders/order-2");
        order.Json["status"]!.GetValue<string>().ShouldBe("APPROVED");
        var operation = order.Json["operations"]!.AsArray().ShouldHaveSingleItem()!;
        (operation["operationResult"]!.GetValue<string>(), operation["threeDSecureChallenged"]!.GetValue<bool>()).ShouldBe(("APPROVED", true));
        consoleErrors.ShouldBeEmpty("no policy violation, missing file or script error on the hosted pages");
    }

    /// <summary>A hosted-page order whose resultUrl and cancelUrl are the merchant's site; answers the page and its securityToken.</summary>
    private async Task<(string HostedPage, string SecurityToken)> CreateOrderAsync(string orderId, string action, long amount)
    {
        var body = MerchantApi.OrderBody(orderId, action, "contract-1", amount: amount);
        body["paymentSession"]!["resultUrl"] = merchant.BaseUrl + "/result";
        body["paymentSession"]!["cancelUrl"] = merchant.BaseUrl + "/cancel";
        var created = await api.PostAsync("/api/v1/orders/hpp", body);
        created.Status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var hostedPage = created.Json["hostedPage"]!.GetValue<string>();
        hostedPage.ShouldStartWith(gatewayAddress.ToString().TrimEnd('/') + "/order/");
        return (hostedPage, created.Json["securityToken"]!.GetValue<string>());
    }

    private Task<IPage> NewPageAsync() => browser.NewPageAsync(gatewayAddress, consoleErrors.Add);

    private Regex ResultUrl() => new("^" + Regex.Escape(merchant.BaseUrl + "/result?"));
}
