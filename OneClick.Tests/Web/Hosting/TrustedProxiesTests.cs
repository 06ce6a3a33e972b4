using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Hosting;

/// <summary>X-Forwarded-For counts only from the proxies the operator names (issue 16, decision 019).</summary>
public sealed class TrustedProxiesTests
{
    [Fact]
    public async Task Forwarded_for_from_loopback_with_no_proxy_named_is_ignored_and_the_address_limit_applies()
    {
        using var gateway = new GatewayFactory().WithoutKnownProxies().Set("OneClick:RateLimits:StartOrderPerMinute", "2");

        var statuses = await StartOrdersFromAsync(gateway, "203.0.113.1", "203.0.113.2", "203.0.113.3");

        statuses.ShouldBe([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests]);
    }

    [Fact]
    public async Task Forwarded_for_from_a_named_proxy_gives_each_client_its_own_limit()
    {
        using var gateway = new GatewayFactory().WithoutKnownProxies()
            .Set("OneClick:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")
            .Set("OneClick:ForwardedHeaders:KnownProxies:0", "::1")
            .Set("OneClick:RateLimits:StartOrderPerMinute", "2");

        var statuses = await StartOrdersFromAsync(gateway, "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.1", "203.0.113.1");

        statuses.ShouldBe([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests]);
    }

    /// <summary>Over a real loopback connection (TestServer gives no remote address at all).</summary>
    private static async Task<List<HttpStatusCode>> StartOrdersFromAsync(GatewayFactory gateway, params string[] forwardedFor)
    {
        var address = gateway.StartOnKestrel();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
        var statuses = new List<HttpStatusCode>();
        foreach (var sender in forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Merchant.StartOrderUrl(Merchant.Purchase()));
            request.Headers.Add("X-Forwarded-For", sender);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
