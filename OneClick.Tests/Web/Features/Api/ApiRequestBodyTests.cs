using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// A POST body is JSON, at most 64 KiB, well formed, with known fields of the right types, and keeps
/// every rule; each refusal is a problem that names the field by its JSON path and creates nothing.
/// </summary>
public sealed class ApiRequestBodyTests : IDisposable
{
    private const string Hpp = "/api/v1/orders/hpp";

    private readonly GatewayFactory gateway = new();

    private readonly MerchantApi api;

    public ApiRequestBodyTests() => api = MerchantApi.Of(gateway);

    public void Dispose() => gateway.Dispose();

    private async Task NothingCreatedAsync()
    {
        (await gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.IdempotencyRecords.CountAsync())).ShouldBe(0);
    }

    // ---- 415, 413, 400 ----

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Post_without_json_content_type_is_unsupported_media_type(string contentType)
    {
        var response = await api.PostRawAsync(Hpp, MerchantApi.OrderBody("order-1").ToJsonString(), "key-1", contentType);

        response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type").ShouldContain("Content-Type: application/json");
        await NothingCreatedAsync();
    }

    [Fact]
    public async Task Post_without_content_type_is_unsupported_media_type()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Hpp) { Content = new ByteArrayContent("{}"u8.ToArray()) };

        (await api.SendAsync(request)).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/problem+json")]
    public async Task Post_with_json_content_type_and_parameters_is_read(string contentType)
    {
        var response = await api.PostRawAsync(Hpp, MerchantApi.OrderBody("order-1").ToJsonString(), contentType: contentType);

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
    }

    [Fact]
    public async Task Post_over_64_KiB_is_too_large()
    {
        var body = MerchantApi.OrderBody("order-1");
        body["order"]!["description"] = new string('x', 64 * 1024);

        var response = await api.PostAsync(Hpp, body, "key-1");

        response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "body-too-large").ShouldContain("64 KiB");
        await NothingCreatedAsync();
    }

    [Fact]
    public async Task Deactivation_with_a_body_over_64_KiB_is_too_large_and_changes_nothing()
    {
        await api.CreateContractAsync(Buyer.Of(gateway), "contract-1");

        var response = await api.PostRawAsync("/api/v1/contracts/contract-1/deactivation", "\"" + new string('x', 64 * 1024) + "\"", "key-1");

        response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).IsChargeable.ShouldBeTrue();
        (await gateway.WithDbAsync(db => db.IdempotencyRecords.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Post_of_exactly_64_KiB_is_read()
    {
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        var body = json + new string(' ', 64 * 1024 - System.Text.Encoding.UTF8.GetByteCount(json));

        var response = await api.PostRawAsync(Hpp, body);

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"order\": {\"orderId\": \"order-1\"}")]
    [InlineData("{\"order\": {\"orderId\": order-1}}")]
    [InlineData("{\"order\": {\"amount\": 999,}}")]
    [InlineData("{\"order\": {\"orderId\": \"order-1\"}} trailing")]
    public async Task Post_of_malformed_json_is_a_bad_request(string body)
    {
        var response = await api.PostRawAsync(Hpp, body, "key-1");

        response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid-json").ShouldNotBeNullOrWhiteSpace();
        await NothingCreatedAsync();
    }

    // ---- 422: the shape of the body ----

    [Theory]
    [InlineData("", "orderid")]
    [InlineData("order", "price")]
    [InlineData("paymentSession", "successUrl")]
    [InlineData("paymentSession.recurrence", "type")]
    public async Task Post_with_unknown_field_names_it(string parent, string name)
    {
        var body = MerchantApi.OrderBody("order-1");
        var target = parent.Length == 0 ? body : parent.Split('.').Aggregate((JsonNode)body, (node, part) => node[part]!);
        target[name] = "x";
        var path = parent.Length == 0 ? name : parent + "." + name;

        var response = await api.PostAsync(Hpp, body, "key-1");

        response.ShouldBeInvalid(path).ShouldContain("is not a field of this request");
        response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity).ShouldContain(path);
        await NothingCreatedAsync();
    }

    [Theory]
    [InlineData("{\"order\":{\"orderId\":\"order-1\",\"amount\":999,\"amount\":1,", "order.amount")]
    [InlineData("{\"order\":{\"orderId\":\"order-1\",\"orderid\":\"order-2\",\"amount\":999,", "order.orderid")]
    [InlineData("{\"order\":{\"orderId\":\"order-1\",\"amount\":999,\"currency\":\"EUR\",\"description\":\"x\"},\"order\":{\"orderId\":\"order-2\",\"amount\":1,", "order")]
    public async Task Post_with_a_key_given_twice_names_it_and_creates_nothing(string start, string path)
    {
        var body = start + "\"currency\":\"EUR\",\"description\":\"100 credits\"},"
            + "\"paymentSession\":{\"resultUrl\":\"http://merchant.test/result\",\"cancelUrl\":\"http://merchant.test/cancel\"}}";

        var response = await api.PostRawAsync(Hpp, body, "key-1");

        response.ShouldBeInvalid(path).ShouldContain("is given more than once");
        response.Body.ShouldNotContain("OrderPart");
        await NothingCreatedAsync();
    }

    [Theory]
    [InlineData("order.orderId", "5", "must be a JSON string")]
    [InlineData("order.amount", "9.99", "whole number of minor units")]
    [InlineData("order.amount", "\"ninety\"", "whole number of minor units")]
    [InlineData("order.amount", "true", "whole number of minor units")]
    [InlineData("order.currency", "[\"EUR\"]", "must be a JSON string")]
    [InlineData("order", "\"order-1\"", "must be a JSON object")]
    [InlineData("paymentSession", "[]", "must be a JSON object")]
    [InlineData("paymentSession.recurrence", "\"CONTRACT_CREATION\"", "must be a JSON object")]
    [InlineData("paymentSession.recurrence.action", "1", "must be a JSON string")]
    [InlineData("expiresAt", "5", "ISO 8601")]
    public async Task Post_with_a_wrong_type_names_the_json_path(string path, string json, string rule)
    {
        var body = MerchantApi.OrderBody("order-1");
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate((JsonNode)body, (node, part) => node[part]!);
        parent[parts[^1]] = JsonNode.Parse(json);

        var response = await api.PostAsync(Hpp, body, "key-1");

        response.ShouldBeInvalid(path).ShouldContain(rule);
        await NothingCreatedAsync();
    }

    [Fact]
    public async Task Post_with_amount_as_a_string_of_digits_is_read()
    {
        var body = MerchantApi.OrderBody("order-1");
        body["order"]!["amount"] = "1250";

        var response = await api.PostAsync(Hpp, body);

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync())).Amount.ShouldBe(12.50m);
    }

    // ---- 422: the rules (a sample; ApiOrderParserTests has them all) ----

    [Theory]
    [InlineData("order.amount", "0", "greater than 0")]
    [InlineData("order.currency", "\"XYZ\"", "must be one of this shop's currencies")]
    [InlineData("order.description", "\"   \"", "is required")]
    [InlineData("order.orderId", "\"order 1\"", "A-Z, a-z, 0-9")]
    [InlineData("paymentSession.resultUrl", "\"https://merchant.test.evil.example/result\"", "not one of this shop's allowed redirect hosts")]
    [InlineData("paymentSession.cancelUrl", "\"https://merchant.test@evil.example/cancel\"", "user name or password")]
    [InlineData("paymentSession.notificationUrl", "\"javascript:alert(1)\"", "absolute http or https URL")]
    [InlineData("paymentSession.recurrence.action", "\"RECURRING\"", "NO_RECURRING, CONTRACT_CREATION or SUBSEQUENT_PAYMENT")]
    [InlineData("expiresAt", "\"2030-01-01T00:00:00Z\"", "only for pay-by-link")]
    public async Task Post_breaking_a_rule_names_the_field_and_the_rule(string path, string json, string rule)
    {
        var body = MerchantApi.OrderBody("order-1");
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate((JsonNode)body, (node, part) => node[part]!);
        parent[parts[^1]] = JsonNode.Parse(json);

        var response = await api.PostAsync(Hpp, body, "key-1");

        var message = response.ShouldBeInvalid(path);
        message.ShouldContain(rule);
        response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity).ShouldBe(path + " " + message);
        (await gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Post_breaking_several_rules_lists_every_field()
    {
        var body = new JsonObject { ["order"] = new JsonObject { ["amount"] = -5 }, ["paymentSession"] = new JsonObject() };

        var response = await api.PostAsync(Hpp, body, "key-1");

        response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "invalid-request").ShouldContain("6 fields break a rule");
        response.Json["errors"]!.AsObject().Select(e => e.Key).ShouldBe(
            ["order.orderId", "order.amount", "order.currency", "order.description", "paymentSession.resultUrl", "paymentSession.cancelUrl"],
            ignoreOrder: true);
        response.ErrorsOf("order.amount").ShouldHaveSingleItem().ShouldContain("greater than 0");
    }

    [Fact]
    public async Task Paybylink_without_expiresAt_names_it()
    {
        var response = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.OrderBody("order-1"), "key-1");

        response.ShouldBeInvalid("expiresAt").ShouldContain("is required");
    }

    [Fact]
    public async Task Paybylink_expiring_in_more_than_30_days_names_expiresAt()
    {
        var body = MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddDays(31));

        var response = await api.PostAsync("/api/v1/orders/paybylink", body, "key-1");

        response.ShouldBeInvalid("expiresAt").ShouldContain("at most 30 days");
    }

    [Fact]
    public async Task Contract_without_customerId_names_order_customerId()
    {
        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1", customerId: null), "key-1");

        response.ShouldBeInvalid("order.customerId").ShouldContain("is required with CONTRACT_CREATION");
    }

    [Fact]
    public async Task Subsequent_payment_without_contractId_names_it()
    {
        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "SUBSEQUENT_PAYMENT"), "key-1");

        response.ShouldBeInvalid("paymentSession.recurrence.contractId").ShouldContain("is required with SUBSEQUENT_PAYMENT");
    }
}
