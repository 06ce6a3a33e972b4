using System.Net;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>
/// Rate limits on what merchants and buyers send (docs/decisions/015-rate-limits.md): startorder and
/// salestatus per client address and per shop, payment posts per client, failed oneClickTokens per client.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Startorder_over_the_limit_is_429_with_retry_after()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerMinute", "3");
        var client = gateway.CreatePlainClient();
        var url = Merchant.StartOrderUrl(Merchant.Purchase());

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await client.GetAsync(url);
            statuses.Add(last.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests]);
        RetryAfter(last!).ShouldBeInRange(1, 60);
        var page = await last!.Content.ReadAsStringAsync();
        last.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        page.ShouldContain("Too many requests from your address: the gateway takes at most 3 startorder and salestatus requests a minute from one address.");
    }

    [Fact]
    public async Task Startorder_retry_after_is_the_time_left_in_the_window_and_the_window_then_reopens()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerMinute", "1");
        var client = gateway.CreatePlainClient();
        var url = Merchant.StartOrderUrl(Merchant.Purchase());

        (await client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        gateway.Clock.Advance(TimeSpan.FromSeconds(40));
        var refused = await client.GetAsync(url);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        RetryAfter(refused).ShouldBeInRange(19, 20); // 60 s less the 40 the clock moved (and the real time the test took)
        gateway.Clock.Advance(TimeSpan.FromSeconds(RetryAfter(refused)));
        (await client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Startorder_limit_counts_each_client_address_apart()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerMinute", "1");
        var url = Merchant.StartOrderUrl(Merchant.Purchase());
        var first = gateway.CreatePlainClient("203.0.113.1");

        (await first.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await first.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await gateway.CreatePlainClient("203.0.113.2").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        // One IPv6 network (/64) is one client: its 2^64 addresses share one budget.
        (await gateway.CreatePlainClient("2001:db8:1:2::1").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await gateway.CreatePlainClient("2001:db8:1:2::ffff").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await gateway.CreatePlainClient("2001:db8:1:3::1").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public void Client_key_is_the_ipv4_address_or_the_ipv6_network()
    {
        RateLimiting.ClientKey(IPAddress.Parse("203.0.113.9")).ShouldBe("203.0.113.9");
        RateLimiting.ClientKey(IPAddress.Parse("::ffff:203.0.113.9")).ShouldBe("203.0.113.9");
        RateLimiting.ClientKey(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).ShouldBe("2001:db8:1:2::/64");
        RateLimiting.ClientKey(IPAddress.IPv6Loopback).ShouldBe("::1");
        RateLimiting.ClientKey((IPAddress?)null).ShouldBe("unknown");
    }

    [Fact]
    public async Task Startorder_over_the_shop_limit_is_429_from_every_address_and_other_shops_go_on()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerShopPerMinute", "2");
        const string otherKey = "OtherShopKey-0123456789abcdef";
        var otherShop = await gateway.AddShopAsync(70020, otherKey, null);
        var url = Merchant.StartOrderUrl(Merchant.Purchase());

        (await gateway.CreatePlainClient("203.0.113.1").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await gateway.CreatePlainClient("203.0.113.2").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var refused = await gateway.CreatePlainClient("203.0.113.3").GetAsync(url);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        RetryAfter(refused).ShouldBeInRange(1, 60);
        (await refused.Content.ReadAsStringAsync()).ShouldContain($"Too many requests for shop {GatewayFactory.ShopId}: the gateway takes at most 2 startorder and salestatus requests a minute for one shop.");
        var other = Merchant.Purchase(shopId: otherShop);
        (await gateway.CreatePlainClient("203.0.113.4").GetAsync(Merchant.StartOrderUrl(other, otherKey))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Startorder_with_a_forged_signature_or_no_shop_spends_no_shop_budget()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerShopPerMinute", "1");
        var forged = Merchant.Sign(Merchant.Purchase(), "NotTheShopsKey-0123456789abcdef");
        var forgedUrl = "/startorder?" + string.Join('&', forged.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        for (var i = 0; i < 5; i++)
        {
            (await gateway.CreatePlainClient($"203.0.113.{i + 1}").GetAsync(forgedUrl)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await gateway.CreatePlainClient($"203.0.113.{i + 1}").GetAsync("/startorder?shopID=not-a-number")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        // An attacker who sends requests in a shop's name cannot shut its buyers out.
        (await gateway.CreatePlainClient("198.51.100.1").GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Salestatus_over_the_shop_limit_is_429_in_the_protocol_style_with_retry_after()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerShopPerMinute", "1");
        var query = Merchant.Sign(new Dictionary<string, string> { ["version"] = "3.4", ["shopID"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["saleID"] = "1" });
        var url = "/salestatus?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        (await gateway.CreatePlainClient("203.0.113.1").GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await gateway.CreatePlainClient("203.0.113.2").GetAsync(url);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        RetryAfter(refused).ShouldBeInRange(1, 60);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var lines = await refused.Content.ReadAsStringAsync();
        lines.ShouldStartWith("response: ERROR");
        lines.ShouldContain($"error: Too many requests for shop {GatewayFactory.ShopId}");
    }

    [Fact]
    public async Task Payment_posts_over_the_limit_are_429()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:PaymentPerMinute", "2");
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var first = await buyer.PayAsync(page, "4242 4242 4242 4241");
        var second = await buyer.PayAsync(first, "4242 4242 4242 4241");
        var third = await buyer.PayAsync(second, "4242 4242 4242 4241");

        first.Status.ShouldBe(HttpStatusCode.OK);
        second.Status.ShouldBe(HttpStatusCode.OK);
        third.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        third.Text.ShouldContain("Too many payment attempts from your address");
    }

    [Fact]
    public async Task Unknown_one_click_tokens_past_the_limit_are_not_looked_up_and_get_the_order_page()
    {
        using var gateway = new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true").Set("OneClick:RateLimits:UnknownTokensPerHour", "2");
        var guesser = gateway.CreatePlainClient("203.0.113.66");
        string Guess(int i)
        {
            var parameters = Merchant.Purchase();
            parameters["oneClickToken"] = "guessed-token-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Merchant.StartOrderUrl(parameters);
        }

        // Each wrong token still shows the order page, as the protocol says (rule 4), and counts.
        (await guesser.GetAsync(Guess(1))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await guesser.GetAsync(Guess(2))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var lookups = gateway.Logs.Lines.Count(l => l.Contains("the token is unknown", StringComparison.Ordinal));
        lookups.ShouldBe(2);
        var past = await guesser.GetAsync(Guess(3));

        // The order page, as for any token that cannot pay: a guess learns nothing, a real buyer
        // sharing the address still pays there.
        past.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        past.Headers.Location!.ToString().ShouldStartWith("/order/");
        gateway.Logs.Lines.Count(l => l.Contains("the token is unknown", StringComparison.Ordinal)).ShouldBe(lookups, "no token is looked up past the limit");
        gateway.Logs.All.ShouldContain("not looked up: too many unknown tokens from this client");
        // The same client without a token, and another client with one, go on.
        (await guesser.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await gateway.CreatePlainClient("203.0.113.67").GetAsync(Guess(4))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        // An hour later the client may try again.
        gateway.Clock.Advance(TimeSpan.FromHours(1));
        (await guesser.GetAsync(Guess(5))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Used_one_click_tokens_do_not_count_as_guesses()
    {
        using var gateway = new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true").Set("OneClick:RateLimits:UnknownTokensPerHour", "1");
        var buyer = Buyer.Of(gateway);
        var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: true);
        var used = Merchant.VerifiedQuery(paid.RefreshTarget!)["oneClickToken"];
        (await buyer.StartAsync(WithToken(used))).Heading.ShouldBe("Payment approved"); // spends it

        // A merchant bringing the spent token back (rule 4) gets the order page each time, never 429.
        for (var i = 0; i < 3; i++)
        {
            var page = await buyer.StartAsync(WithToken(used));
            page.Status.ShouldBe(HttpStatusCode.OK);
            page.Heading.ShouldNotBe("Too many requests");
        }

        static Dictionary<string, string> WithToken(string token)
        {
            var parameters = Merchant.Purchase();
            parameters["oneClickToken"] = token;
            return parameters;
        }
    }

    private static int RetryAfter(HttpResponseMessage response) =>
        (int)response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds;
}
