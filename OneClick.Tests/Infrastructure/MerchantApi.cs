using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneClick.Tests.Infrastructure;

/// <summary>A merchant's server calling the JSON API with the seeded shop's key (docs/protocol.md sections 7 and 9).</summary>
public sealed class MerchantApi(HttpClient client, string? key = MerchantApi.SeededKey)
{
    public const string SeededKey = "ock_test_seeded_api_key_0123456789abcdef";

    public const string ResultUrl = "http://merchant.test/result";

    public const string CancelUrl = "http://merchant.test/cancel";

    /// <summary>The gateway with the seeded API key; call before the gateway's first request.</summary>
    public static MerchantApi Of(GatewayFactory gateway, string? key = SeededKey)
    {
        gateway.Set("OneClick:Seed:ApiKey", SeededKey);
        return new MerchantApi(gateway.CreatePlainClient(), key);
    }

    /// <summary>
    /// The gateway listening on a loopback port (a real server, for concurrent requests), with the seeded
    /// API key; call before the gateway's first request.
    /// </summary>
    public static MerchantApi OnKestrel(GatewayFactory gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        gateway.Set("OneClick:Seed:ApiKey", SeededKey);
        return new MerchantApi(new HttpClient { BaseAddress = gateway.StartOnKestrel() });
    }

    public HttpClient Client { get; } = client;

    public Task<ApiResponse> PostAsync(string path, object? body, string? idempotencyKey = null) =>
        PostRawAsync(path, body is null ? "" : body as string ?? JsonSerializer.Serialize(body), idempotencyKey);

    public async Task<ApiResponse> PostRawAsync(string path, string body, string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await SendAsync(request);
    }

    public async Task<ApiResponse> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>A hosted-page body (add <c>expiresAt</c> for a pay-by-link: <see cref="PayByLinkBody"/>).</summary>
    public static JsonObject OrderBody(
        string orderId,
        string action = "NO_RECURRING",
        string? contractId = null,
        string? customerId = "cust-1",
        long amount = 999,
        string? notificationUrl = null,
        string resultUrl = ResultUrl,
        string cancelUrl = CancelUrl)
    {
        var recurrence = new JsonObject { ["action"] = action };
        if (contractId is not null)
        {
            recurrence["contractId"] = contractId;
            recurrence["contractType"] = "CIT";
        }

        var session = new JsonObject { ["resultUrl"] = resultUrl, ["cancelUrl"] = cancelUrl, ["recurrence"] = recurrence };
        if (notificationUrl is not null)
        {
            session["notificationUrl"] = notificationUrl;
        }

        var order = new JsonObject { ["orderId"] = orderId, ["amount"] = amount, ["currency"] = "EUR", ["description"] = "100 credits" };
        if (customerId is not null)
        {
            order["customerId"] = customerId;
        }

        return new JsonObject { ["order"] = order, ["paymentSession"] = session };
    }

    /// <summary>A pay-by-link body: the hosted-page body plus <c>expiresAt</c>.</summary>
    public static JsonObject PayByLinkBody(string orderId, DateTimeOffset expiresAt, string action = "NO_RECURRING", string? contractId = null, string? customerId = "cust-1")
    {
        var body = OrderBody(orderId, action, contractId, customerId);
        body["expiresAt"] = expiresAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        return body;
    }

    /// <summary>Stores a new API key of <paramref name="shopId"/> (as the back-office makes one) and returns it.</summary>
    public static async Task<string> AddKeyAsync(GatewayFactory gateway, int shopId, string name = "Test key")
    {
        var (key, plaintext) = OneClick.Core.Shops.ApiKey.Generate(shopId, name, DateTime.UtcNow);
        await gateway.WithDbAsync(db =>
        {
            db.ApiKeys.Add(key);
            return db.SaveChangesAsync();
        });
        return plaintext;
    }

    /// <summary>
    /// A CIT contract made as a merchant makes one: a CONTRACT_CREATION order on the hosted page, paid by
    /// card entry, then 3-D Secure. Without <paramref name="authenticate"/> the buyer stops on the challenge
    /// page and the contract stays pending. Returns the page the buyer ends on.
    /// </summary>
    public async Task<Page> CreateContractAsync(
        Buyer buyer,
        string contractId,
        string customerId = "cust-1",
        string? orderId = null,
        bool authenticate = true,
        string resultUrl = ResultUrl,
        string cancelUrl = CancelUrl)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        var created = await PostAsync("/api/v1/orders/hpp", OrderBody(orderId ?? "create-" + contractId, "CONTRACT_CREATION", contractId, customerId, resultUrl: resultUrl, cancelUrl: cancelUrl));
        created.Status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var page = await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        var challenge = await buyer.PayAsync(page);
        challenge.Heading.ShouldBe("Authentication required");
        if (!authenticate)
        {
            return challenge;
        }

        var approved = await buyer.SubmitAsync(challenge, "Complete authentication");
        approved.RefreshTarget.ShouldNotBeNull().ShouldStartWith(resultUrl);
        return approved;
    }

    /// <summary>Sends a request made by the test, with this merchant's key (if any) added.</summary>
    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (key is not null)
        {
            request.Headers.Add("X-API-KEY", key);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, response.Headers);
    }
}

public sealed record ApiResponse(HttpStatusCode Status, string Body, string? ContentType, HttpResponseHeaders Headers)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    /// <summary>The messages of a problem's errors for this field (its JSON path).</summary>
    public IReadOnlyList<string> ErrorsOf(string field) =>
        Json["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];

    /// <summary>Whether the answer was the replay of an earlier one (header <c>Idempotent-Replayed: true</c>).</summary>
    public bool Replayed => Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");

    /// <summary>
    /// The answer is an RFC 9457 problem of this status: <c>application/problem+json</c> with its type,
    /// title, status and detail. Returns the detail.
    /// </summary>
    public string ShouldBeProblem(HttpStatusCode status, string? type = null)
    {
        Status.ShouldBe(status, ToString());
        ContentType.ShouldBe("application/problem+json", ToString());
        var json = Json;
        json["type"].ShouldNotBeNull().GetValue<string>().ShouldStartWith(OneClick.Web.Features.Api.ApiAnswer.ProblemTypePrefix);
        if (type is not null)
        {
            json["type"]!.GetValue<string>().ShouldBe(OneClick.Web.Features.Api.ApiAnswer.ProblemTypePrefix + type, customMessage: ToString());
        }

        json["title"].ShouldNotBeNull().GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        json["status"].ShouldNotBeNull().GetValue<int>().ShouldBe((int)status);
        return json["detail"].ShouldNotBeNull().GetValue<string>().ShouldNotBeNull();
    }

    /// <summary>A 422 problem whose only error is <paramref name="field"/>; returns the field's single message.</summary>
    public string ShouldBeInvalid(string field)
    {
        ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "invalid-request");
        var errors = Json["errors"].ShouldNotBeNull().AsObject();
        errors.Select(e => e.Key).ShouldBe([field], ToString());
        return ErrorsOf(field).ShouldHaveSingleItem();
    }

    public override string ToString() => $"{(int)Status} {Body}";
}
