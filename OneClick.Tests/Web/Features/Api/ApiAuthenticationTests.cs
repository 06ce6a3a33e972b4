using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>Every /api/v1 endpoint wants one valid <c>X-API-KEY</c>; without one it answers 401 and changes nothing.</summary>
public sealed class ApiAuthenticationTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    /// <summary>One request of each endpoint, made anew for each attempt.</summary>
    public static TheoryData<string, string> Endpoints() => new()
    {
        { "POST", "/api/v1/orders/hpp" },
        { "POST", "/api/v1/orders/paybylink" },
        { "GET", "/api/v1/orders/order-1" },
        { "GET", "/api/v1/contracts/customers/cust-1" },
        { "POST", "/api/v1/contracts/contract-1/deactivation" },
    };

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(MerchantApi.OrderBody("order-1").ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static void ShouldBeUnauthorized(ApiResponse response, string detail)
    {
        response.ShouldBeProblem(HttpStatusCode.Unauthorized, "unauthorized").ShouldContain(detail);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("ApiKey header=\"X-API-KEY\"");
    }

    private Task<int> OrderCountAsync() => gateway.WithDbAsync(db => db.Orders.CountAsync());

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_without_key_is_unauthorized(string method, string path)
    {
        MerchantApi.Of(gateway);
        var anonymous = new MerchantApi(gateway.CreatePlainClient(), key: null);

        var response = await anonymous.SendAsync(Request(method, path));

        ShouldBeUnauthorized(response, "Send the shop's API key in the X-API-KEY header");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_with_unknown_key_is_unauthorized(string method, string path)
    {
        MerchantApi.Of(gateway);
        var stranger = new MerchantApi(gateway.CreatePlainClient(), "ock_not_a_key_of_any_shop_0123456789abcdef");

        var response = await stranger.SendAsync(Request(method, path));

        ShouldBeUnauthorized(response, "unknown or revoked");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Request_with_empty_key_is_unauthorized()
    {
        var api = MerchantApi.Of(gateway, key: null);
        using var request = Request("GET", "/api/v1/orders/order-1");
        request.Headers.TryAddWithoutValidation("X-API-KEY", "");

        ShouldBeUnauthorized(await api.SendAsync(request), "Send the shop's API key");
    }

    [Fact]
    public async Task Request_with_a_key_that_differs_in_case_is_unauthorized()
    {
        var api = MerchantApi.Of(gateway, MerchantApi.SeededKey.ToUpperInvariant());

        ShouldBeUnauthorized(await api.GetAsync("/api/v1/orders/order-1"), "unknown or revoked");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_with_revoked_key_is_unauthorized(string method, string path)
    {
        MerchantApi.Of(gateway);
        var key = await MerchantApi.AddKeyAsync(gateway, GatewayFactory.ShopId);
        var merchant = new MerchantApi(gateway.CreatePlainClient(), key);
        (await merchant.GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.NotFound, "the key works before it is revoked");

        await gateway.WithDbAsync(async db =>
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.KeyHash == OneClick.Core.Shops.ApiKey.Hash(key));
            stored.Revoke(DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        var response = await merchant.SendAsync(Request(method, path));

        ShouldBeUnauthorized(response, "unknown or revoked");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Request_with_two_key_headers_is_unauthorized_even_when_both_are_valid()
    {
        MerchantApi.Of(gateway);
        var anonymous = new MerchantApi(gateway.CreatePlainClient(), key: null);
        using var request = Request("POST", "/api/v1/orders/hpp");
        request.Headers.Add("X-API-KEY", MerchantApi.SeededKey);
        request.Headers.Add("X-API-KEY", MerchantApi.SeededKey);

        var response = await anonymous.SendAsync(request);

        ShouldBeUnauthorized(response, "Send one X-API-KEY header, not 2");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Request_with_the_key_in_another_header_is_unauthorized()
    {
        MerchantApi.Of(gateway);
        var anonymous = new MerchantApi(gateway.CreatePlainClient(), key: null);
        using var request = Request("GET", "/api/v1/orders/order-1");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + MerchantApi.SeededKey);

        ShouldBeUnauthorized(await anonymous.SendAsync(request), "Send the shop's API key");
    }

    [Fact]
    public async Task Request_with_a_valid_key_is_served()
    {
        var api = MerchantApi.Of(gateway);

        var response = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Headers.WwwAuthenticate.ShouldBeEmpty();
    }

    [Fact]
    public async Task Unauthorized_answers_never_echo_the_key()
    {
        MerchantApi.Of(gateway);
        const string secret = "ock_guessed_key_that_must_not_come_back";
        var stranger = new MerchantApi(gateway.CreatePlainClient(), secret);

        var response = await stranger.GetAsync("/api/v1/orders/order-1");

        response.Status.ShouldBe(HttpStatusCode.Unauthorized);
        response.Body.ShouldNotContain(secret);
        gateway.Logs.All.ShouldNotContain(secret);
    }
}
