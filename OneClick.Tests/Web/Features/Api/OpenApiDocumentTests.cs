using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Api;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) says what the endpoints really do: the routes the app maps,
/// the fields of their real answers, the statuses their real refusals have, and how to authenticate.
/// </summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Document_lists_every_api_route_the_app_maps_with_its_method_and_nothing_else()
    {
        var document = await DocumentAsync();

        var mapped = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        mapped.Count.ShouldBe(5);
        documented.ShouldBe(mapped);
        var operationIds = Operations(document).Select(o => o.Operation["operationId"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        operationIds.ShouldBe(["CreateHostedPageOrder", "CreatePayByLinkOrder", "DeactivateContract", "GetOrder", "ListCustomerContracts"]);
        Operations(document).ShouldAllBe(o => !string.IsNullOrWhiteSpace(o.Operation["summary"]!.GetValue<string>()) && !string.IsNullOrWhiteSpace(o.Operation["description"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Document_needs_no_key_and_every_operation_asks_for_the_api_key_header_and_every_post_takes_an_idempotency_key()
    {
        var response = await gateway.CreatePlainClient().GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var scheme = document["components"]!["securitySchemes"]![ApiDocument.SecuritySchemeName]!;
        (scheme["type"]!.GetValue<string>(), scheme["in"]!.GetValue<string>(), scheme["name"]!.GetValue<string>()).ShouldBe(("apiKey", "header", "X-API-KEY"));
        foreach (var (method, path, operation) in Operations(document))
        {
            var requirement = operation["security"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
            requirement.Select(r => r.Key).ShouldBe([ApiDocument.SecuritySchemeName], $"{method} {path}");
            var idempotencyKey = operation["parameters"]?.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
            if (method == "post")
            {
                idempotencyKey.ShouldNotBeNull($"{method} {path}");
                (idempotencyKey["in"]!.GetValue<string>(), idempotencyKey["required"]?.GetValue<bool>() ?? false).ShouldBe(("header", false));
                operation["responses"]!["200"]!["headers"]!["Idempotent-Replayed"].ShouldNotBeNull();
            }
            else
            {
                idempotencyKey.ShouldBeNull($"{method} {path}");
            }
        }
    }

    [Fact]
    public async Task Request_bodies_are_the_order_body_with_expires_at_only_for_pay_by_link()
    {
        var document = await DocumentAsync();
        var orderBody = JsonNamesOf(typeof(OrderBody));

        Properties(document, BodySchema(document, "/api/v1/orders/hpp")).ShouldBe(orderBody.Where(n => n != "expiresAt"), ignoreOrder: true);
        Properties(document, BodySchema(document, "/api/v1/orders/paybylink")).ShouldBe(orderBody, ignoreOrder: true);
        Required(document, BodySchema(document, "/api/v1/orders/paybylink")).ShouldContain("expiresAt");
        foreach (var (part, type) in new[] { ("OrderPart", typeof(OrderPart)), ("PaymentSessionPart", typeof(PaymentSessionPart)), ("RecurrencePart", typeof(RecurrencePart)) })
        {
            Properties(document, Component(document, part)).ShouldBe(JsonNamesOf(type), ignoreOrder: true);
        }

        Required(document, Component(document, "OrderPart")).ShouldBe(["orderId", "amount", "currency", "description"], ignoreOrder: true);
        Required(document, Component(document, "PaymentSessionPart")).ShouldBe(["resultUrl", "cancelUrl"], ignoreOrder: true);
        Operations(document).Where(o => o.Method == "get" || o.Path.EndsWith("/deactivation", StringComparison.Ordinal)).ShouldAllBe(o => o.Operation["requestBody"] == null);
    }

    [Fact]
    public async Task Every_field_of_the_real_answers_of_a_cit_cycle_is_documented_and_every_documented_field_is_answered()
    {
        var api = MerchantApi.Of(gateway);
        var document = await DocumentAsync();
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Check(string operationId, ApiResponse answer)
        {
            answer.Status.ShouldBe(HttpStatusCode.OK, answer.ToString());
            answer.ContentType.ShouldBe("application/json");
            var schema = ResponseSchema(document, operationId, "200", "application/json").ShouldNotBeNull($"{operationId} documents its 200 answer");
            CompareFields(document, answer.Json.AsObject(), schema, operationId, seen);
        }

        // A contract created through the hosted page with 3-D Secure, then listed and deactivated.
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"), "key-1");
        Check("CreateHostedPageOrder", created);
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        (await buyer.SubmitAsync(challenge, "Complete authentication")).Text.ShouldContain("Payment approved");
        Check("GetOrder", await api.GetAsync("/api/v1/orders/order-1"));
        Check("ListCustomerContracts", await api.GetAsync("/api/v1/contracts/customers/cust-1"));
        Check("DeactivateContract", await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-2"));
        Check("ListCustomerContracts", await api.GetAsync("/api/v1/contracts/customers/cust-1"));

        // A payment link paid with a card that is declined: expiresAt and declineReason.
        var link = MerchantApi.OrderBody("order-2");
        link["expiresAt"] = gateway.Clock.GetUtcNow().AddDays(1).ToString("O");
        var linked = await api.PostAsync("/api/v1/orders/paybylink", link, "key-3");
        Check("CreatePayByLinkOrder", linked);
        await buyer.PayAsync(await buyer.GetAsync(new Uri(linked.Json["paymentLink"]!.GetValue<string>()).PathAndQuery), "4000 0000 0000 0002");
        var declined = await api.GetAsync("/api/v1/orders/order-2");
        declined.Json["operations"]![0]!["operationResult"]!.GetValue<string>().ShouldBe("DECLINED");
        Check("GetOrder", declined);

        // Over all these answers, every documented field was seen: none is documented that the API never sends.
        foreach (var (name, fields) in seen)
        {
            fields.ShouldBe(Properties(document, Component(document, name)), ignoreOrder: true, $"the fields of {name} in the real answers");
        }

        seen.Keys.ShouldBe(["HostedPageCreated", "PaymentLinkCreated", "OrderDetails", "RecurrenceDetails", "OperationDetails", "CustomerContracts", "ContractDetails"], ignoreOrder: true);
    }

    [Fact]
    public async Task Every_status_of_the_real_refusals_is_documented_for_its_endpoint_and_every_documented_status_happens()
    {
        var api = MerchantApi.Of(gateway);
        var anonymous = new MerchantApi(api.Client, key: null);
        var document = await DocumentAsync();
        var real = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var problemFields = new HashSet<string>(StringComparer.Ordinal);
        void Refused(string operationId, ApiResponse answer, HttpStatusCode expected)
        {
            answer.Status.ShouldBe(expected, answer.ToString());
            answer.ContentType.ShouldBe("application/problem+json", answer.ToString());
            var status = ((int)answer.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var schema = ResponseSchema(document, operationId, status, "application/problem+json").ShouldNotBeNull($"{operationId} answers {status}: it must be documented");
            CompareFields(document, answer.Json.AsObject(), schema, operationId, []);
            problemFields.UnionWith(answer.Json.AsObject().Select(p => p.Key));
            (real.TryGetValue(operationId, out var statuses) ? statuses : real[operationId] = []).Add(status);
        }

        var tooLarge = "{\"order\":{\"description\":\"" + new string('a', ApiBody.MaxBytes) + "\"}}";
        foreach (var (operationId, path) in new[] { ("CreateHostedPageOrder", "/api/v1/orders/hpp"), ("CreatePayByLinkOrder", "/api/v1/orders/paybylink") })
        {
            var body = MerchantApi.OrderBody("order-of-" + operationId);
            if (operationId == "CreatePayByLinkOrder")
            {
                body["expiresAt"] = gateway.Clock.GetUtcNow().AddDays(1).ToString("O");
            }

            (await api.PostAsync(path, body, "key-" + operationId)).Status.ShouldBe(HttpStatusCode.OK);
            Refused(operationId, await anonymous.PostAsync(path, body), HttpStatusCode.Unauthorized);
            Refused(operationId, await api.PostRawAsync(path, "{\"order\":", contentType: "application/json"), HttpStatusCode.BadRequest);
            Refused(operationId, await api.PostAsync(path, body, "not a valid key"), HttpStatusCode.BadRequest);
            Refused(operationId, await api.PostRawAsync(path, tooLarge), HttpStatusCode.RequestEntityTooLarge);
            Refused(operationId, await api.PostRawAsync(path, body.ToJsonString(), contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType);
            Refused(operationId, await api.PostAsync(path, MerchantApi.OrderBody("", amount: 0)), HttpStatusCode.UnprocessableEntity);
            Refused(operationId, await api.PostAsync(path, body), HttpStatusCode.Conflict);
            Refused(operationId, await api.PostAsync(path, MerchantApi.OrderBody("another-" + operationId), "key-" + operationId), HttpStatusCode.Conflict);
        }

        Refused("GetOrder", await anonymous.GetAsync("/api/v1/orders/order-of-CreateHostedPageOrder"), HttpStatusCode.Unauthorized);
        Refused("GetOrder", await api.GetAsync("/api/v1/orders/no-such-order"), HttpStatusCode.NotFound);
        Refused("ListCustomerContracts", await new MerchantApi(api.Client, "ock_unknown_key").GetAsync("/api/v1/contracts/customers/cust-1"), HttpStatusCode.Unauthorized);
        Refused("ListCustomerContracts", await api.GetAsync("/api/v1/contracts/customers/cust-1"), HttpStatusCode.NotFound);
        Refused("DeactivateContract", await anonymous.PostAsync("/api/v1/contracts/contract-1/deactivation", null), HttpStatusCode.Unauthorized);
        Refused("DeactivateContract", await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-d"), HttpStatusCode.NotFound);
        Refused("DeactivateContract", await api.PostAsync("/api/v1/contracts/contract-2/deactivation", null, "key-d"), HttpStatusCode.Conflict);
        Refused("DeactivateContract", await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "not a valid key"), HttpStatusCode.BadRequest);

        // A shop that is no longer active takes no API request.
        await gateway.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"Shops\" SET \"IsActive\" = FALSE WHERE \"Id\" = {0}", GatewayFactory.ShopId));
        gateway.Services.GetRequiredService<ShopSnapshots>().Changed();
        Refused("CreateHostedPageOrder", await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-9")), HttpStatusCode.Forbidden);
        Refused("CreatePayByLinkOrder", await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.OrderBody("order-9")), HttpStatusCode.Forbidden);
        Refused("GetOrder", await api.GetAsync("/api/v1/orders/order-of-CreateHostedPageOrder"), HttpStatusCode.Forbidden);
        Refused("ListCustomerContracts", await api.GetAsync("/api/v1/contracts/customers/cust-1"), HttpStatusCode.Forbidden);
        Refused("DeactivateContract", await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null), HttpStatusCode.Forbidden);

        // Over a rate limit every endpoint answers 429, with Retry-After (a gateway of its own, whose
        // limit is one request a minute from one address).
        using (var limited = new GatewayFactory().Set("OneClick:RateLimits:ApiPerMinute", "1"))
        {
            var busy = MerchantApi.Of(limited);
            (await busy.GetAsync("/api/v1/orders/no-such-order")).Status.ShouldBe(HttpStatusCode.NotFound);
            Refused("CreateHostedPageOrder", await busy.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-busy")), HttpStatusCode.TooManyRequests);
            Refused("CreatePayByLinkOrder", await busy.PostAsync("/api/v1/orders/paybylink", MerchantApi.OrderBody("order-busy")), HttpStatusCode.TooManyRequests);
            Refused("GetOrder", await busy.GetAsync("/api/v1/orders/no-such-order"), HttpStatusCode.TooManyRequests);
            Refused("ListCustomerContracts", await busy.GetAsync("/api/v1/contracts/customers/cust-1"), HttpStatusCode.TooManyRequests);
            Refused("DeactivateContract", await busy.PostAsync("/api/v1/contracts/contract-1/deactivation", null), HttpStatusCode.TooManyRequests);
        }

        foreach (var (method, path, operation) in Operations(document))
        {
            operation["responses"]!["429"]?["headers"]?["Retry-After"].ShouldNotBeNull($"{method} {path} documents Retry-After on 429");
        }

        // And the other way round: no status is documented that the endpoint never answers.
        foreach (var (_, _, operation) in Operations(document))
        {
            var operationId = operation["operationId"]!.GetValue<string>();
            var documented = operation["responses"]!.AsObject().Select(r => r.Key).Where(s => s != "200");
            documented.ShouldBe(real[operationId], ignoreOrder: true, operationId);
        }

        problemFields.ShouldBe(Properties(document, Component(document, "ApiProblem")), ignoreOrder: true);
    }

    [Fact]
    public async Task Api_reference_page_answers_with_its_security_headers_and_only_it_has_the_relaxed_policy()
    {
        var client = gateway.CreatePlainClient();

        var redirect = await client.GetAsync("/api/docs");
        redirect.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        var page = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/api/docs"), redirect.Headers.Location!));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("<title>OneClick API</title>");
        html.ShouldNotContain("<script>", Case.Insensitive);
        (await client.GetAsync("/api/docs/index.js")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync("/api/docs/index.js")).ShouldContain("\"url\":\"/openapi/v1.json\"");

        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'none'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("connect-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldNotContain("unsafe-inline");
        csp.ShouldNotContain("unsafe-eval");
        csp.ShouldBe(OneClick.Web.Hosting.SecurityHeaders.ApiDocsContentSecurityPolicy);
        page.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        page.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        page.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");

        foreach (var other in new[] { "/openapi/v1.json", "/api/v1/orders/x", "/api/docsx" })
        {
            (await client.GetAsync(other)).Headers.GetValues("Content-Security-Policy").Single().ShouldBe(OneClick.Web.Hosting.SecurityHeaders.ContentSecurityPolicy, other);
        }
    }

    private async Task<JsonNode> DocumentAsync() =>
        JsonNode.Parse(await gateway.CreatePlainClient().GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Method, string Path, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (o.Key, p.Key, o.Value!)));

    private static JsonNode OperationOf(JsonNode document, string operationId) =>
        Operations(document).Single(o => o.Operation["operationId"]!.GetValue<string>() == operationId).Operation;

    private static JsonNode? ResponseSchema(JsonNode document, string operationId, string status, string mediaType) =>
        OperationOf(document, operationId)["responses"]![status]?["content"]?[mediaType]?["schema"];

    private static JsonNode BodySchema(JsonNode document, string path) =>
        document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

    private static JsonNode Component(JsonNode document, string name) =>
        document["components"]!["schemas"]![name].ShouldNotBeNull($"schema {name}");

    /// <summary>The component a schema stands for: a $ref, a nullable $ref (oneOf null), or null for a plain value.</summary>
    private static string? ReferenceOf(JsonNode schema) =>
        schema["$ref"]?.GetValue<string>().Split('/')[^1]
        ?? schema["oneOf"]?.AsArray().Select(s => s!["$ref"]?.GetValue<string>()).OfType<string>().SingleOrDefault()?.Split('/')[^1];

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        ReferenceOf(schema) is { } name ? Component(document, name) : schema;

    private static List<string> Properties(JsonNode document, JsonNode schema) =>
        [.. Resolve(document, schema)["properties"]!.AsObject().Select(p => p.Key)];

    private static List<string> Required(JsonNode document, JsonNode schema) =>
        Resolve(document, schema)["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];

    private static List<string> JsonNamesOf(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    /// <summary>
    /// Every field of the answer is documented, every required field is in the answer, and so on down
    /// the nested objects; the fields seen are recorded per schema.
    /// </summary>
    private static void CompareFields(JsonNode document, JsonObject answer, JsonNode schemaOrReference, string where, Dictionary<string, HashSet<string>> seen)
    {
        var name = ReferenceOf(schemaOrReference).ShouldNotBeNull($"{where}: the answer's schema is a named component");
        var schema = Component(document, name);
        var properties = schema["properties"]!.AsObject();
        var fields = answer.Select(p => p.Key).ToList();
        fields.Where(f => !properties.ContainsKey(f)).ShouldBeEmpty($"{where}: fields of the answer that {name} does not document");
        Required(document, schema).Where(r => !answer.ContainsKey(r)).ShouldBeEmpty($"{where}: fields {name} requires that the answer lacks");
        (seen.TryGetValue(name, out var names) ? names : seen[name] = new(StringComparer.Ordinal)).UnionWith(fields);
        foreach (var (field, value) in answer)
        {
            var propertySchema = properties[field]!;
            if (value is JsonObject nested && ReferenceOf(propertySchema) is not null)
            {
                CompareFields(document, nested, propertySchema, $"{where}.{field}", seen);
            }
            else if (value is JsonArray items && propertySchema["items"] is { } itemSchema && ReferenceOf(itemSchema) is not null)
            {
                foreach (var item in items)
                {
                    CompareFields(document, item!.AsObject(), itemSchema, $"{where}.{field}[]", seen);
                }
            }
        }
    }
}
