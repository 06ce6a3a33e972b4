using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

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
        last!.Headers.RetryAfter.ShouldNotBeNull();
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
    }
}
