using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneClick.Tests.Infrastructure;

/// <summary>A merchant's server calling the JSON API with the seeded shop's key (PROTOCOL.md sections 7 and 9).</summary>
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

    /// <summary>A hosted-page or pay-by-link body; <paramref name="extra"/> adds or replaces top-level fields.</summary>
    public static JsonObject OrderBody(string orderId, string action = "NO_RECURRING", string? contractId = null, string? customerId = "cust-1", long amount = 999, string? notificationUrl = null)
    {
        var recurrence = new JsonObject { ["action"] = action };
        if (contractId is not null)
        {
            recurrence["contractId"] = contractId;
            recurrence["contractType"] = "CIT";
        }

        var session = new JsonObject { ["resultUrl"] = ResultUrl, ["cancelUrl"] = CancelUrl, ["recurrence"] = recurrence };
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

    private async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
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

    public override string ToString() => $"{(int)Status} {Body}";
}
