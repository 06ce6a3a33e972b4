using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.Api;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// One gateway whose seeded shop allows the hosts merchant.test and 127.0.0.1 (any port) and the
/// origins merchant.test:8080 and http://127.0.0.1:5999, with an API key.
/// </summary>
public sealed class RedirectGateway : IDisposable
{
    public RedirectGateway() => Api = ApiOrderFlows.ApiOf(Gateway);

    public GatewayFactory Gateway { get; } = new GatewayFactory()
        .Set("OneClick:Seed:AllowedRedirectHosts:2", "merchant.test:8080")
        .Set("OneClick:Seed:AllowedRedirectHosts:3", "http://127.0.0.1:5999");

    public MerchantApi Api { get; }

    public void Dispose() => Gateway.Dispose();
}

/// <summary>
/// Open redirect: every URL a merchant's request names for the buyer's way back (startorder backURL,
/// its alias successURL, declineURL; the API's resultUrl, cancelUrl and notificationUrl on hosted pages
/// and payment links) must be an absolute http(s) URL, without user info, on one of the shop's allowed
/// hosts (StartOrderParser.CheckUrl, Shop.MayRedirectTo). Anything else is refused with a message
/// that names the field, and the buyer is only ever sent on to the URL as validated. A host alone
/// allows that host at any port (the contract names hosts); an origin entry (host:port,
/// scheme://host:port) allows exactly that origin (ShopTests); an upper-case spelling is the same. The rules themselves are unit-tested in ShopTests and
/// StartOrderParserTests; these tests send them through the real endpoints.
/// </summary>
public sealed class OpenRedirectTests(RedirectGateway fixture) : IClassFixture<RedirectGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    /// <summary>URLs that must be refused, each with why (the shop allows merchant.test and 127.0.0.1).</summary>
    public static readonly (string Url, string Why)[] Hostile =
    [
        ("http://evil.com/", "another host"),
        ("https://evil.com/ok", "another host over https"),
        ("http://merchant.test.evil.com/", "look-alike: allowed host as a subdomain"),
        ("http://evilmerchant.test/", "look-alike: allowed host as a suffix"),
        ("http://merchant.tes/", "look-alike: one letter short"),
        ("http://merchant.test./", "trailing dot"),
        ("http://merchant.test../", "two trailing dots"),
        ("http://MERCHANT.TEST.EVIL.COM/", "upper-case look-alike"),
        ("http://m\u0435rchant.test/", "IDN homoglyph: Cyrillic е"),
        ("http://" + new IdnMapping().GetAscii("m\u0435rchant.test") + "/", "punycode of the homoglyph"),
        ("http://merchant.test\u3002evil.com/", "ideographic full stop: merchant.test.evil.com"),
        ("http://merchant.test@evil.com/", "userinfo: allowed host as the user name"),
        ("http://merchant.test:80@evil.com/", "userinfo: allowed host and port as user and password"),
        ("http://user:pass@merchant.test/", "userinfo on the allowed host"),
        ("http://evil.com#@merchant.test", "allowed host in the fragment"),
        ("http://evil.com?@merchant.test", "allowed host in the query"),
        ("http://evil.com\\@merchant.test", "backslash before @"),
        ("http://evil.com\\.merchant.test/", "backslash, read as a slash"),
        ("http://merchant.test%40evil.com/", "percent-encoded @ in the host"),
        ("http://merchant.test%2F@evil.com/", "percent-encoded slash before @"),
        ("http://evil%2Ecom/", "percent-encoded dot in another host"),
        ("http://merchant%2Etest/", "percent-encoded dot in the allowed host"),
        ("http://%6Derchant.test/", "percent-encoded letter in the allowed host"),
        ("http://%65vil.com/", "percent-encoded letter in another host"),
        ("http://merchant.test%00.evil.com/", "percent-encoded NUL in the host"),
        ("javascript:alert(1)", "scheme: javascript"),
        ("javascript://merchant.test/%0Aalert(1)", "scheme: javascript with an allowed host"),
        ("JaVaScRiPt:alert(1)", "scheme: javascript in mixed case"),
        ("data:text/html,<script>alert(1)</script>", "scheme: data"),
        ("ftp://merchant.test/", "scheme: ftp on the allowed host"),
        ("file:///etc/passwd", "scheme: file"),
        ("file://merchant.test/ok", "scheme: file with the allowed host"),
        ("//evil.com/", "scheme-relative"),
        ("//merchant.test/", "scheme-relative to the allowed host"),
        ("/\\evil.com", "slash-backslash"),
        ("/ok", "relative path"),
        ("merchant.test/ok", "no scheme"),
        ("http:/evil.com", "one slash"),
        ("http:\\\\evil.com", "backslashes for slashes"),
        ("http:evil.com", "no slashes"),
        ("https://evil.com:443/", "another host with a port"),
        ("http://merchant.test:99999/", "port out of range"),
        ("http://merchant.test:8o/", "port with a letter"),
        ("http://evil.com:80\\@merchant.test/", "port and backslash before @"),
        ("http://merchant.test/\tok", "tab inside"),
        ("http://mer\tchant.test/", "tab inside the host (a browser drops it)"),
        ("http://evil.com\n.merchant.test/", "newline inside the host"),
        ("http://merchant.test/ok\r\nSet-Cookie: x=1", "CR LF inside"),
        (" http://merchant.test/", "leading space"),
        ("http://merchant.test/ ", "trailing space"),
        ("http://[::1]/", "IPv6 loopback, not allowed"),
        ("http://127.0.0.2/", "a neighbour of the allowed address"),
    ];

    /// <summary>URLs on the allowed hosts: still allowed.</summary>
    public static readonly string[] Allowed =
    [
        "http://merchant.test/ok",
        "https://merchant.test/ok?user=42",
        "HTTP://MERCHANT.TEST/ok",
        "http://merchant.test:8080/ok",
        "http://127.0.0.1:5999/ok",
    ];

    private static readonly string[] UrlRules =
    [
        "which is not one of this shop's allowed redirect hosts",
        "must be an absolute http or https URL",
        "must not contain a user name or password",
    ];

    [Theory]
    [InlineData("backURL")]
    [InlineData("successURL")]
    [InlineData("declineURL")]
    public async Task Startorder_url_outside_the_allowed_hosts_is_refused_naming_the_field(string field)
    {
        var before = await StoredRows.CountAsync(Gateway);
        var wrong = new List<string>();
        foreach (var (url, why) in Hostile)
        {
            var parameters = Merchant.Purchase();
            parameters[field] = url;
            var response = await Gateway.CreatePlainClient().GetAsync(Merchant.StartOrderUrl(parameters));
            var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            var message = page.QuerySelectorAll("li").FirstOrDefault(li => li.QuerySelector("code.parameter")?.TextContent == field)?.TextContent;
            if (response.StatusCode != HttpStatusCode.BadRequest || message is null || !UrlRules.Any(message.Contains))
            {
                wrong.Add($"{why} ({url}): {(int)response.StatusCode} {message ?? response.Headers.Location?.ToString()}");
            }
        }

        wrong.ShouldBeEmpty();
        (await StoredRows.CountAsync(Gateway)).ShouldBe(before);
    }

    [Theory]
    [InlineData("backURL")]
    [InlineData("successURL")]
    [InlineData("declineURL")]
    public async Task Startorder_url_on_an_allowed_host_is_accepted(string field)
    {
        foreach (var url in Allowed)
        {
            var parameters = Merchant.Purchase();
            parameters[field] = url;

            var response = await Gateway.CreatePlainClient().GetAsync(Merchant.StartOrderUrl(parameters));

            response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, $"{field}={url}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("hpp", "resultUrl")]
    [InlineData("hpp", "cancelUrl")]
    [InlineData("hpp", "notificationUrl")]
    [InlineData("paybylink", "resultUrl")]
    [InlineData("paybylink", "cancelUrl")]
    [InlineData("paybylink", "notificationUrl")]
    public async Task Api_order_url_outside_the_allowed_hosts_is_refused_naming_the_field(string endpoint, string field)
    {
        var before = await StoredRows.CountAsync(Gateway);
        var wrong = new List<string>();
        foreach (var (url, why) in Hostile)
        {
            var answer = await fixture.Api.PostAsync($"/api/v1/orders/{endpoint}", Body(endpoint, field, url));
            var messages = answer.Status == HttpStatusCode.UnprocessableEntity ? answer.ErrorsOf("paymentSession." + field) : [];
            if (messages.Count != 1 || !UrlRules.Any(messages[0].Contains))
            {
                wrong.Add($"{why} ({url}): {answer}");
            }
        }

        wrong.ShouldBeEmpty();
        (await StoredRows.CountAsync(Gateway)).ShouldBe(before);
    }

    [Theory]
    [InlineData("hpp", "resultUrl")]
    [InlineData("hpp", "cancelUrl")]
    [InlineData("hpp", "notificationUrl")]
    [InlineData("paybylink", "resultUrl")]
    [InlineData("paybylink", "cancelUrl")]
    [InlineData("paybylink", "notificationUrl")]
    public async Task Api_order_url_on_an_allowed_host_is_accepted(string endpoint, string field)
    {
        // A notification to the gateway's own network is refused for another reason (no calls inside).
        foreach (var url in Allowed.Where(u => field != "notificationUrl" || !u.Contains("127.0.0.1", StringComparison.Ordinal)))
        {
            var answer = await fixture.Api.PostAsync($"/api/v1/orders/{endpoint}", Body(endpoint, field, url));

            answer.Status.ShouldBe(HttpStatusCode.OK, $"{field}={url}: {answer}");
        }
    }

    // ---- where the buyer is sent at the end ----

    /// <summary>An allowed URL in an unusual spelling: the buyer is sent to its validated, canonical form only.</summary>
    private const string Spelled = "HTTP://Merchant.TEST:8080/way/back?next=%2F%2Fevil.com#top";

    private const string Canonical = "http://merchant.test:8080/way/back?next=%2F%2Fevil.com&";

    [Fact]
    public async Task Approval_page_sends_the_buyer_only_to_the_validated_backURL()
    {
        var buyer = Buyer.Of(Gateway);
        var parameters = Merchant.Purchase();
        parameters["backURL"] = Spelled;

        var approved = await buyer.PayAsync(await buyer.StartAsync(parameters));

        approved.Heading.ShouldBe("Payment approved");
        approved.RefreshTarget.ShouldNotBeNull().ShouldStartWith(Canonical);
        approved.LinkHref("Continue").ShouldBe(approved.RefreshTarget);
        approved.RefreshTarget.ShouldEndWith("#top");
        LinksLeavingTheGateway(approved).ShouldAllBe(url => url.StartsWith(Canonical, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decline_sends_the_buyer_only_to_the_validated_declineURL()
    {
        var buyer = Buyer.Of(Gateway);
        var parameters = Merchant.Purchase();
        parameters["declineURL"] = Spelled;

        var declined = await buyer.PayAsync(await buyer.StartAsync(parameters), "4000 0000 0000 0002");

        declined.Heading.ShouldBe("Payment declined");
        declined.RefreshTarget.ShouldNotBeNull().ShouldStartWith(Canonical);
        LinksLeavingTheGateway(declined).ShouldNotBeEmpty();
        LinksLeavingTheGateway(declined).ShouldAllBe(url => url.StartsWith(Canonical, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hosted_page_cancel_sends_the_buyer_only_to_the_validated_cancelUrl()
    {
        var created = await fixture.Api.CreateAsync(MerchantApi.OrderBody("cancel-" + UniqueText.Letters(), cancelUrl: Spelled));
        var buyer = Buyer.Of(Gateway);
        var page = await buyer.GetAsync(created.Path);
        // Before the buyer chooses, the page links nowhere outside the gateway.
        LinksLeavingTheGateway(page).ShouldBeEmpty();

        var cancelled = await buyer.SubmitAsync(page, "Cancel and return to " + ApiOrderFlows.ShopName);

        // The gateway answered with a redirect off the gateway: the buyer's browser stopped there.
        cancelled.Url.ShouldStartWith(Canonical);
        cancelled.Url.ShouldEndWith("#top");
    }

    [Fact]
    public async Task Hosted_page_approval_sends_the_buyer_only_to_the_validated_resultUrl()
    {
        var created = await fixture.Api.CreateAsync(MerchantApi.OrderBody("result-" + UniqueText.Letters(), resultUrl: Spelled));
        var buyer = Buyer.Of(Gateway);

        var approved = await buyer.PayAsync(await buyer.GetAsync(created.Path));

        approved.Heading.ShouldBe("Payment approved");
        approved.RefreshTarget.ShouldNotBeNull().ShouldStartWith(Canonical);
        LinksLeavingTheGateway(approved).ShouldAllBe(url => url.StartsWith(Canonical, StringComparison.Ordinal));
    }

    /// <summary>Every URL on the page that leads off the gateway: links, form actions, the meta refresh.</summary>
    private static List<string> LinksLeavingTheGateway(Page page)
    {
        var urls = page.Document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!)
            .Concat(page.Document.QuerySelectorAll("form[action]").Select(f => f.GetAttribute("action")!))
            .Append(page.RefreshTarget)
            .Append(page.Url.StartsWith("http", StringComparison.Ordinal) && !page.Url.StartsWith("http://localhost", StringComparison.Ordinal) ? page.Url : null);
        return urls.OfType<string>().Where(u => !u.StartsWith('/') || u.StartsWith("//", StringComparison.Ordinal)).Where(u => !u.StartsWith("http://localhost", StringComparison.Ordinal)).Distinct().ToList();
    }

    private static JsonObject Body(string endpoint, string field, string url)
    {
        var body = MerchantApi.OrderBody("redirect-" + UniqueText.Letters());
        body["paymentSession"]![field] = url;
        return endpoint == "paybylink" ? body.ExpiringAt(DateTimeOffset.UtcNow.AddDays(1)) : body;
    }
}
