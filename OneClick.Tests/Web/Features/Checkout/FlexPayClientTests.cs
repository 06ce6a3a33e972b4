using System.Globalization;
using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>
/// A merchant on Verotel's own FlexPay client libraries, unchanged, against a gateway process over
/// real HTTP (docs/protocol.md sections 2-6): the purchase URL as the clients build it (fixed list signed,
/// <c>origin</c> and <c>email</c> unsigned), every redirect and postback validated by hashing every
/// field received, the one-click token bought with, the status page, and a decline. Once with the
/// current clients (version 4, <c>successURL</c>, SHA-256) and once with the old shape (version 3.5,
/// <c>backURL</c>, SHA-1 where the shop allows it).
/// </summary>
public sealed class FlexPayClientTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "oneclick-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        merchant.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The process may still hold a file for a moment; the temporary folder is cleaned anyway.
        }
    }

    [Fact]
    public Task Current_client_pays_remembers_buys_again_in_one_click_asks_status_and_is_declined() =>
        JourneyAsync(legacy: false);

    [Fact]
    public Task Legacy_client_with_backURL_and_sha1_pays_remembers_buys_again_asks_status_and_is_declined() =>
        JourneyAsync(legacy: true);

    private async Task JourneyAsync(bool legacy)
    {
        using var gateway = new GatewayProcess(dataDirectory, new Dictionary<string, string>
        {
            ["OneClick__Seed__ShopId"] = GatewayFactory.ShopId.ToString(CultureInfo.InvariantCulture),
            ["OneClick__Seed__SignatureKey"] = GatewayFactory.SignatureKey,
            ["OneClick__Seed__WebsiteUrl"] = merchant.BaseUrl + "/",
            ["OneClick__Seed__PostbackUrl"] = merchant.PostbackUrl,
            ["OneClick__Seed__AllowedRedirectHosts__0"] = new Uri(merchant.BaseUrl).Authority,
            ["OneClick__Seed__OneClickEnabled"] = "true",
            ["OneClick__Seed__AcceptLegacySha1"] = legacy ? "true" : "false",
            ["OneClick__SecureCookies"] = "false",
        });
        await gateway.StartAsync();
        var baseUrl = gateway.BaseAddress.ToString().TrimEnd('/');
        var client = legacy
            ? FlexPayClient.Legacy(baseUrl, GatewayFactory.ShopId, GatewayFactory.SignatureKey)
            : new FlexPayClient(baseUrl, GatewayFactory.ShopId, GatewayFactory.SignatureKey);
        using var http = gateway.CreateClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var buyer = new Buyer(http);

        // 1. A first purchase with full card entry and "Remember my card" ticked.
        var purchaseUrl = client.PurchaseUrl(Purchase("flexpay-1", back: merchant.BaseUrl + "/thanks?user=42&tab="));
        purchaseUrl.ShouldContain("description=100+credits+for+J%C3%BCrgen");
        purchaseUrl.ShouldContain(legacy ? "backURL=" : "successURL=");
        var orderPage = await buyer.GetAsync(purchaseUrl);
        orderPage.Status.ShouldBe(HttpStatusCode.OK, orderPage.Text);
        orderPage.Html.ShouldNotContain("wordpress-plugin", Case.Insensitive, "an unsigned field the gateway does not define is not shown back");
        var approval = await buyer.PayAsync(orderPage, remember: true);
        approval.Heading.ShouldBe("Payment approved");

        var success = approval.RefreshTarget.ShouldNotBeNull();
        success.ShouldStartWith(merchant.BaseUrl + "/thanks?user=42&tab=&");
        client.ValidateUrl(success).ShouldBeTrue($"the client validates the success redirect {success}");
        var okData = FlexPayClient.ReadQuery(new Uri(success).Query).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var token = okData["oneClickToken"];
        okData["referenceID"].ShouldBe("flexpay-1");
        okData["custom1"].ShouldBe("user 42");
        okData.ShouldNotContainKey("origin");
        okData.ShouldNotContainKey("email");

        var postback = await PostbackOfAsync(okData["saleID"]);
        client.ValidateUrl(postback.ToString()).ShouldBeTrue($"the client validates the postback {postback}");
        FlexPayClient.ReadQuery(postback.Query).ShouldContain(new KeyValuePair<string, string>("oneClickToken", token));

        // 2. Buy again with the token: charged at once, no form, a new token.
        var instant = await buyer.GetAsync(client.PurchaseUrl(Purchase("flexpay-2", back: merchant.BaseUrl + "/thanks", token: token)));
        instant.Heading.ShouldBe("Payment approved");
        instant.Document.QuerySelector("input[name='Card.Number']").ShouldBeNull();
        var again = instant.RefreshTarget.ShouldNotBeNull();
        client.ValidateUrl(again).ShouldBeTrue($"the client validates the one-click success redirect {again}");
        var secondOk = FlexPayClient.ReadQuery(new Uri(again).Query).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        secondOk["referenceID"].ShouldBe("flexpay-2");
        secondOk["oneClickToken"].ShouldNotBe(token);
        var secondPostback = await PostbackOfAsync(secondOk["saleID"]);
        client.ValidateUrl(secondPostback.ToString()).ShouldBeTrue();

        // 3. The status page, asked as the client asks it.
        var status = await http.GetAsync(client.StatusUrl(new Dictionary<string, string?> { ["saleID"] = secondOk["saleID"], ["origin"] = "plugin" }));
        var statusText = await status.Content.ReadAsStringAsync();
        status.StatusCode.ShouldBe(HttpStatusCode.OK, statusText);
        statusText.ShouldContain("response: FOUND");
        statusText.ShouldContain("saleResult: APPROVED");
        statusText.ShouldContain($"oneClickToken: {secondOk["oneClickToken"]}");

        // 4. A declined card with a declineURL: the client validates the decline redirect.
        var declined = await buyer.PayAsync(
            await buyer.UseNewCardAsync(await buyer.GetAsync(client.PurchaseUrl(Purchase("flexpay-3", back: merchant.BaseUrl + "/thanks", decline: merchant.BaseUrl + "/declined")))),
            "4000 0000 0000 0002",
            remember: false);
        declined.Heading.ShouldBe("Payment declined");
        var declineTarget = declined.RefreshTarget.ShouldNotBeNull();
        declineTarget.ShouldStartWith(merchant.BaseUrl + "/declined?");
        client.ValidateUrl(declineTarget).ShouldBeTrue($"the client validates the decline redirect {declineTarget}");
        FlexPayClient.ReadQuery(new Uri(declineTarget).Query).ShouldContain(new KeyValuePair<string, string>("saleResult", "DECLINED"));
    }

    /// <summary>A purchase as a merchant's plug-in hands it to the client: signed fields, and unsigned ones (email, origin).</summary>
    private static Dictionary<string, string?> Purchase(string referenceId, string back, string? decline = null, string? token = null) => new()
    {
        ["priceAmount"] = "9.99",
        ["priceCurrency"] = "EUR",
        ["description"] = "100 credits for Jürgen",
        ["referenceID"] = referenceId,
        ["custom1"] = "user 42",
        ["custom2"] = "",
        ["backURL"] = back,
        ["declineURL"] = decline,
        ["email"] = "buyer@example.com",
        ["origin"] = "wordpress-plugin",
        ["oneClickToken"] = token,
    };

    private async Task<Uri> PostbackOfAsync(string saleId)
    {
        Uri? found = null;
        await GatewayFactory.EventuallyAsync(() =>
        {
            found = merchant.Postbacks.Select(p => p.Url)
                .FirstOrDefault(u => FlexPayClient.ReadQuery(u.Query).Contains(new KeyValuePair<string, string>("saleID", saleId)));
            return Task.FromResult(found is not null);
        }, $"the postback of sale {saleId} arrives");
        return found!;
    }
}
