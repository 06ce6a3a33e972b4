using System.Net;
using System.Text.Json.Nodes;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Api.Commands;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>An API order as the merchant created it: the buyer's page (path and query) and the token sent back with its result.</summary>
public sealed record CreatedOrder(string Path, string SecurityToken);

/// <summary>The merchant's and the buyer's sides of API orders (docs/protocol.md section 7), for the tests of their pages.</summary>
public static class ApiOrderFlows
{
    public const string HostedPagePath = "/api/v1/orders/hpp";

    public const string PayByLinkPath = "/api/v1/orders/paybylink";

    /// <summary>The shop's name, which the buyer reads on the cancel button.</summary>
    public const string ShopName = "Credits Shop";

    /// <summary>The gateway with the seeded API key and the shop named <see cref="ShopName"/>; call before its first request.</summary>
    public static MerchantApi ApiOf(GatewayFactory gateway) => MerchantApi.Of(gateway.Set("OneClick:Seed:ShopName", ShopName));

    /// <summary>Creates a hosted-page order (or, with <paramref name="payByLink"/>, a payment link) and answers where the buyer goes.</summary>
    public static async Task<CreatedOrder> CreateAsync(this MerchantApi api, JsonObject body, bool payByLink = false)
    {
        var created = await api.PostAsync(payByLink ? PayByLinkPath : HostedPagePath, body);
        created.Status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var page = created.Json[payByLink ? "paymentLink" : "hostedPage"]!.GetValue<string>();
        return new CreatedOrder(new Uri(page).PathAndQuery, created.Json["securityToken"]!.GetValue<string>());
    }

    /// <summary>A pay-by-link body: the hosted-page body with the link's expiry.</summary>
    public static JsonObject ExpiringAt(this JsonObject body, DateTimeOffset expiresAt)
    {
        body["expiresAt"] = expiresAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return body;
    }

    /// <summary>The order's status as <c>GET /api/v1/orders/{orderId}</c> tells the merchant.</summary>
    public static async Task<string> StatusOfAsync(this MerchantApi api, string orderId)
    {
        var order = await api.GetAsync($"/api/v1/orders/{orderId}");
        order.Status.ShouldBe(HttpStatusCode.OK, order.ToString());
        return order.Json["status"]!.GetValue<string>();
    }

    /// <summary>
    /// An active contract: a CONTRACT_CREATION order paid on its hosted page with the card, and the
    /// 3-D Secure challenge completed.
    /// </summary>
    public static async Task<Page> CreateContractOnPageAsync(this MerchantApi api, Buyer buyer, string orderId, string contractId, string customerId = "cust-1", string card = Buyer.Visa)
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody(orderId, "CONTRACT_CREATION", contractId, customerId));
        var challenge = await buyer.PayAsync(await buyer.GetAsync(created.Path), card);
        challenge.Heading.ShouldBe("Authentication required");
        var approved = await buyer.SubmitAsync(challenge, "Complete authentication");
        approved.Heading.ShouldBe("Payment approved");
        return approved;
    }

    /// <summary>
    /// A form of the page posted without its antiforgery token, as a forging site would send it: the
    /// form's handler name and the given fields, with the buyer's cookies.
    /// </summary>
    public static Task<HttpResponseMessage> PostWithoutAntiforgeryAsync(this Buyer buyer, Page page, string handler, Dictionary<string, string> fields)
    {
        page.Document.QuerySelector($"form input[name=_handler][value={handler}]").ShouldNotBeNull($"the page should have the form '{handler}'");
        return buyer.Client.PostAsync(page.Url, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["_handler"] = handler }));
    }

    /// <summary>Runs the expiry of payment links once, through Hangfire, as its schedule does.</summary>
    public static async Task<int> ExpireLinksAsync(this GatewayFactory gateway) =>
        (await gateway.RunJobAsync<ExpirePaymentLinksOutcome>("payment-link-expiry")).Expired;
}
