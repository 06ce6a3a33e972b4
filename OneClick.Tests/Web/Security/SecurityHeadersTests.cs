using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

public sealed class SecurityHeadersTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public SecurityHeadersTests(GatewayFactory gateway) => this.gateway = gateway;

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/startorder?shopID=1")]
    [InlineData("/not-a-page")]
    public async Task Every_response_has_security_headers(string url)
    {
        var response = await gateway.CreatePlainClient().GetAsync(url);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldNotContain("unsafe-inline");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    [Fact]
    public async Task Order_page_is_not_cached_and_its_form_has_antiforgery()
    {
        var buyer = Buyer.Of(gateway);
        var start = await buyer.Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()));
        var response = await buyer.Client.GetAsync(start.Headers.Location);

        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await response.Content.ReadAsStringAsync()).ShouldContain("name=\"__RequestVerificationToken\"");
    }

    [Fact]
    public async Task Hsts_is_sent_outside_development_over_https()
    {
        var client = gateway.CreateClient(new() { BaseAddress = new Uri("https://gateway.test"), AllowAutoRedirect = false });

        var response = await client.GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
    }
}
