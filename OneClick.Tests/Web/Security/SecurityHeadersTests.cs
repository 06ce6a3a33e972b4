using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// Every kind of answer carries the security headers: pages, redirects, files, API answers, and the
/// answers that other parts of the pipeline write (not found, wrong method, antiforgery failure,
/// rate-limit rejection, the error page after an exception). The whole-suite sweep
/// (<see cref="CardDataSweepTests"/>) checks every response of the run the same way.
/// </summary>
public sealed class SecurityHeadersTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public SecurityHeadersTests(GatewayFactory gateway) => this.gateway = gateway;

    [Theory]
    [InlineData("GET", "/health/ready", HttpStatusCode.OK)]
    [InlineData("GET", "/startorder?shopID=1", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/not-a-page", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/account/logout", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/account", HttpStatusCode.Redirect)]
    [InlineData("GET", "/account/login", HttpStatusCode.OK)]
    [InlineData("POST", "/account/logout", HttpStatusCode.BadRequest)] // no antiforgery token
    [InlineData("GET", "/css/site.css", HttpStatusCode.OK)]
    [InlineData("GET", "/lib/bootstrap/css/bootstrap.min.css", HttpStatusCode.OK)]
    [InlineData("GET", "/js/card-form.js", HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/orders/none", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/openapi/v1.json", HttpStatusCode.OK)]
    [InlineData("GET", "/error", HttpStatusCode.InternalServerError)]
    public async Task Every_response_has_security_headers(string method, string url, HttpStatusCode status)
    {
        var response = await gateway.CreatePlainClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        response.StatusCode.ShouldBe(status);
        ShouldHaveSecurityHeaders(response);
    }

    [Fact]
    public async Task Order_post_without_antiforgery_token_is_400_with_security_headers()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var response = await buyer.Client.PostAsync(page.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "pay", ["Card.Number"] = Buyer.Visa }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ShouldHaveSecurityHeaders(response);
    }

    [Fact]
    public async Task Rate_limit_rejection_429_has_security_headers()
    {
        using var limited = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerMinute", "1");
        var client = limited.CreatePlainClient();

        await client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()));
        var response = await client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()));

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        ShouldHaveSecurityHeaders(response);
    }

    [Fact]
    public async Task Error_page_after_an_unhandled_exception_has_security_headers()
    {
        using var failing = new GatewayFactory().WithServices(s => s.Replace(ServiceDescriptor.Singleton<HealthCheckService, ThrowingHealthChecks>()));

        var response = await failing.CreatePlainClient().GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Something went wrong on our side");
        ShouldHaveSecurityHeaders(response);
    }

    private static void ShouldHaveSecurityHeaders(HttpResponseMessage response)
    {
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldNotContain("unsafe-inline");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
    }

    private sealed class ThrowingHealthChecks : HealthCheckService
    {
        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The health checks broke.");
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
