using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// /api/v1 is rate limited per client address (every request, bad keys included: key guessing is
/// throttled) and per shop of the API key, with 429 problem details and an accurate Retry-After.
/// </summary>
public sealed class ApiRateLimitTests
{
    [Fact]
    public async Task Requests_over_the_client_limit_are_429_problems_with_retry_after_whatever_the_key()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:ApiPerMinute", "2");
        MerchantApi.Of(gateway);
        var guesser = new MerchantApi(gateway.CreatePlainClient("203.0.113.1"), "ock_guessed_key_0000000000000000000000");

        (await guesser.GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await guesser.GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        gateway.Clock.Advance(TimeSpan.FromSeconds(15));
        var refused = await guesser.GetAsync("/api/v1/orders/order-1");
        var withTheRightKey = await new MerchantApi(gateway.CreatePlainClient("203.0.113.1")).GetAsync("/api/v1/orders/order-1");

        refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too-many-requests")
            .ShouldContain("Too many requests from your address: the API takes at most 2 a minute from one address. Try again in");
        RetryAfter(refused).ShouldBeInRange(44, 45);
        withTheRightKey.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too-many-requests");
        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.2")).GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound, "another address has its own budget");
    }

    [Fact]
    public async Task Requests_over_the_shop_limit_are_429_from_every_address_and_other_shops_go_on()
    {
        using var gateway = new GatewayFactory().Set("OneClick:RateLimits:ApiPerShopPerMinute", "2");
        MerchantApi.Of(gateway);
        var otherShop = await gateway.AddShopAsync(70030, "OtherShopKey-0123456789abcdef", null);
        var otherKey = await MerchantApi.AddKeyAsync(gateway, otherShop);

        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.1")).GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.2")).GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound);
        var refused = await new MerchantApi(gateway.CreatePlainClient("203.0.113.3")).PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        refused.ShouldBeProblem(HttpStatusCode.TooManyRequests, "too-many-requests")
            .ShouldContain($"Too many requests for shop {GatewayFactory.ShopId}: the API takes at most 2 a minute for one shop.");
        RetryAfter(refused).ShouldBeInRange(1, 60);
        (await gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(0);
        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.4"), otherKey).GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound, "another shop has its own budget");
        // A wrong key proves no shop: it spends the address's budget, never a shop's.
        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.5"), "ock_guessed_key_0000000000000000000000").GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        (await new MerchantApi(gateway.CreatePlainClient("203.0.113.3")).GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound, "a minute later the shop's window reopened");
    }

    private static int RetryAfter(ApiResponse response) =>
        (int)response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds;
}
