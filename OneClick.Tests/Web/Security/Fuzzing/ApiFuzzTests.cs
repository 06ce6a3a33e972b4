using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Api;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>
/// Every endpoint of <c>/api/v1</c> (docs/protocol.md section 7) against generated malformed requests:
/// order bodies of the wrong JSON types, with unknown or duplicate keys, nested deep, huge or not UTF-8;
/// the wrong Content-Type; a missing or garbage <c>X-API-KEY</c> and <c>Idempotency-Key</c>; ids in the
/// path with unicode, encoded slashes and 10 KB; addresses and methods no endpoint takes. Every one
/// must be a 4xx <c>application/problem+json</c> with its type, title, status and a <c>detail</c> (and
/// for 422 the <c>errors</c> that name the field), and create, change or deactivate nothing.
/// </summary>
public sealed class ApiFuzzTests(ApiFuzzTests.WithContract fuzz) : IClassFixture<ApiFuzzTests.WithContract>
{
    private const int CasesPerSeed = 220;

    private const string Hpp = "/api/v1/orders/hpp";

    private const string PayByLink = "/api/v1/orders/paybylink";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public Task Api_malformed_requests_are_refused_with_a_problem_and_change_nothing(int seed)
    {
        var input = new MalformedInput(seed);
        return fuzz.RunAsync(input, Enumerable.Range(0, CasesPerSeed).Select(_ => NextCase(input)));
    }

    /// <summary>A gateway with an order and an active contract, so that a request that slipped through would find them.</summary>
    public sealed class WithContract : FuzzGateway, IAsyncLifetime
    {
        public const string OrderId = "fuzz-order-1";

        public const string ContractId = "fuzz-contract";

        public const string CustomerId = "fuzz-cust";

        public async Task InitializeAsync()
        {
            var api = new MerchantApi(Gateway.CreatePlainClient());
            (await api.PostAsync(Hpp, MerchantApi.OrderBody(OrderId))).Status.ShouldBe(System.Net.HttpStatusCode.OK);
            await api.CreateContractAsync(Buyer.Of(Gateway), ContractId, CustomerId);
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private static FuzzCase NextCase(MalformedInput input) => input.Next(12) switch
    {
        0 or 1 or 2 => WrongType(input),
        3 => UnknownOrDuplicateKey(input),
        4 => DeepOrHuge(input),
        5 => NotJson(input),
        6 => ContentTypes(input),
        7 => ApiKeys(input),
        8 => IdempotencyKeys(input),
        9 or 10 => PathIds(input),
        _ => NoSuchEndpoint(input),
    };

    // ---- order bodies ----

    private static (string Path, JsonObject Body) ValidOrder(MalformedInput input)
    {
        var orderId = $"fuzz-{input.Seed}-{input.Next(1_000_000_000)}";
        if (input.Chance(0.5))
        {
            return (Hpp, MerchantApi.OrderBody(orderId, amount: input.Pick(1L, 999L, 100_000_000L)));
        }

        var body = MerchantApi.OrderBody(orderId);
        body["expiresAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return (PayByLink, body);
    }

    /// <summary>Values each field refuses, as JSON: other types, out of range, malformed, and for objects anything but an object.</summary>
    private static readonly Dictionary<string, Func<MalformedInput, string[]>> InvalidJsonOf = new(StringComparer.Ordinal)
    {
        ["order"] = _ => ["null", "[]", "\"order\"", "1", "true"],
        ["order.orderId"] = i => ["123", "true", "[]", "{}", "null", "\"\"", "\"a b\"", $"\"{new string('o', 65)}\"", "\"ordér\"", "\"id\\u0000\"", "\"\\ud800\"", "\"x\\u202E\"", Str(new string('o', 60_000))],
        ["order.amount"] = _ => ["\"abc\"", "true", "[]", "{}", "1.5", "1e3", "-1", "0", "1e400", "99999999999999999999", "\"9.99\"", "\"\"", "null", "100000001", "\"١٢٣\"", "NaN", "\"Infinity\"", "-0.0"],
        ["order.currency"] = _ => ["\"eur\"", "1", "[]", "\"\"", "\"EU\"", "null", "\"EUR\\u0000\"", "\"ＥＵＲ\""],
        ["order.description"] = i => ["1", "[]", "\"\"", "\"   \"", $"\"{new string('d', 101)}\"", "\"a\\u0000b\"", "\"a\\nb\"", "\"\\udc00\"", Str(new string('d', 60_000)), Str(i.Huge(10_000))],
        ["order.customerId"] = _ => ["1", "[]", "{}", "\"a b\"", $"\"{new string('c', 33)}\"", "\"é\"", "\"\"", "\"c\\u200Bd\""],
        ["paymentSession"] = _ => ["null", "[]", "\"x\"", "1"],
        ["paymentSession.resultUrl"] = InvalidUrls,
        ["paymentSession.cancelUrl"] = InvalidUrls,
        ["paymentSession.notificationUrl"] = i => ["\"http://127.0.0.1/hook\"", "\"http://10.0.0.8/hook\"", "\"http://[::1]/hook\"", "\"http://169.254.169.254/latest\"", .. InvalidUrls(i).Where(u => u is not ("null" or "\"\""))],
        ["paymentSession.recurrence"] = _ => ["[]", "\"x\"", "1", "true"],
        ["paymentSession.recurrence.action"] = _ => ["\"SOMETHING\"", "\"no_recurring\"", "1", "[]", "\"\"", "\"CONTRACT_CREATION \""],
    };

    private static string[] InvalidUrls(MalformedInput input) =>
    [
        "null", "\"\"", "1", "[]", "\"javascript:alert(1)\"", "\"http://evil.test/\"", "\"//evil.test/\"", "\"http://merchant.test@evil.test/\"", "\"http://merchant.test.evil.test/\"",
        "\"ftp://merchant.test/\"", "\"http://merchant.test/?securityToken=x\"", "\"http://merchant.te\\u0455t/\"", Str("http://merchant.test/" + new string('p', 2100)), Str(input.Huge(10_000)),
    ];

    private static string Str(string value) => JsonSerializer.Serialize(value);

    private static FuzzCase WrongType(MalformedInput input)
    {
        var (path, body) = ValidOrder(input);
        var field = input.Pick(InvalidJsonOf.Keys.ToList());
        return Post(input, "wrong value of " + field, path, With(body, field, input.Pick(InvalidJsonOf[field](input))), ProblemNaming(field));
    }

    /// <summary>The body's JSON with <paramref name="json"/> written as the field's value, exactly (NaN and 1e400 included).</summary>
    private static string With(JsonObject body, string field, string json)
    {
        var names = field.Split('.');
        var parent = names.Length == 1 ? body : (JsonObject)Get(body, string.Join('.', names[..^1]))!;
        parent[names[^1]] = "__FUZZ__";
        return body.ToJsonString().Replace("\"__FUZZ__\"", json, StringComparison.Ordinal);
    }

    private static FuzzCase UnknownOrDuplicateKey(MalformedInput input)
    {
        var (path, body) = ValidOrder(input);
        var json = body.ToJsonString();
        switch (input.Next(3))
        {
            case 0:
                {
                    var parent = input.Pick("", "order", "paymentSession", "paymentSession.recurrence");
                    var name = input.Pick("amout", "Amount ", "order_id", "__proto__", "$type", "", "\u202Eamount", input.RandomWord());
                    var target = parent.Length == 0 ? body : (JsonObject)Get(body, parent)!;
                    target[name] = 1;
                    return Post(input, "unknown field", path, body.ToJsonString(), Problem(422, 400));
                }

            case 1:
                {
                    // The same key twice in one object: which one counts would be a guess.
                    var (key, other) = input.Pick(("orderId", "\"other-id\""), ("amount", "1"), ("currency", "\"USD\""), ("resultUrl", "\"http://merchant.test/other\""), ("action", "\"NO_RECURRING\""));
                    var at = json.IndexOf($"\"{key}\":", StringComparison.Ordinal);
                    var end = EndOfValue(json, at + key.Length + 3);
                    var first = json[at..end];
                    json = json[..end] + "," + (input.Chance(0.5) ? first : $"\"{key}\":{other}") + json[end..];
                    return Post(input, "duplicate key " + key, path, json, Problem(400, 422));
                }

            default:
                {
                    var order = body["order"]!.ToJsonString();
                    json = json.Replace("\"order\":" + order, "\"order\":" + order + ",\"order\":" + order, StringComparison.Ordinal);
                    return Post(input, "duplicate key order", path, json, Problem(400, 422));
                }
        }
    }

    private static FuzzCase DeepOrHuge(MalformedInput input)
    {
        var (path, body) = ValidOrder(input);
        var depth = input.Pick(65, 1000, 10_000);
        return input.Next(5) switch
        {
            0 => Post(input, "deep nesting", path, new string('[', depth) + new string(']', depth), Problem(400, 422)),
            1 => Post(input, "deep nesting in a field", path, With(body, "order.description", new string('[', depth) + new string(']', depth)), Problem(400, 422)),
            2 => Post(input, "deep objects", path, string.Concat(Enumerable.Repeat("{\"order\":", depth)) + "1" + new string('}', depth), Problem(400, 422, 413)),
            3 => Post(input, "body over 64 KiB", path, body.ToJsonString().Replace("100 credits", new string('x', input.Pick(70_000, 1_000_000)), StringComparison.Ordinal), Problem(413)),
            _ => Post(input, "huge number", path, With(body, "order.amount", input.Pick("-", "") + new string('9', input.Pick(30, 5000)) + input.Pick("", ".5", "e9999")), Problem(422, 400)),
        };
    }

    private static FuzzCase NotJson(MalformedInput input)
    {
        var (path, body) = ValidOrder(input);
        var json = body.ToJsonString();
        var (family, bytes) = input.Next(9) switch
        {
            0 => ("empty body", Array.Empty<byte>()),
            1 => ("JSON that is no object", Encoding.UTF8.GetBytes(input.Pick("null", "[]", "123", "\"order\"", "true", "[{}]"))),
            2 => ("truncated JSON", Encoding.UTF8.GetBytes(json[..input.Next(json.Length)])),
            3 => ("invalid UTF-8 in a string", Spliced(Encoding.UTF8.GetBytes(json), json.IndexOf("100 credits", StringComparison.Ordinal), input.Pick<byte[]>([0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFE, 0xFF]))),
            4 => ("UTF-16 body", Encoding.Unicode.GetBytes(json)),
            5 => ("random bytes", input.RandomBytes(3000)),
            6 => ("form body", Encoding.UTF8.GetBytes("order.orderId=x&order.amount=999")),
            7 => ("JSON with comments or trailing commas", Encoding.UTF8.GetBytes(json.Insert(1, input.Pick("/* c */", "// c\n")).Replace("}}", "},}", StringComparison.Ordinal))),
            _ => ("single quotes", Encoding.UTF8.GetBytes(json.Replace('"', '\''))),
        };
        return Post(input, family, path, bytes, "application/json", Problem(400, 422));
    }

    private static FuzzCase ContentTypes(MalformedInput input)
    {
        var (path, body) = ValidOrder(input);
        var contentType = input.Pick<string?>(null, "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", "text/json", "json", "application/", "*/*", "application/j\u0455on");
        return Post(input, "Content-Type " + (contentType ?? "missing"), path, Encoding.UTF8.GetBytes(body.ToJsonString()), contentType, Problem(415));
    }

    // ---- headers ----

    private static FuzzCase ApiKeys(MalformedInput input)
    {
        string[] keys = input.Next(8) switch
        {
            0 => [],
            1 => [""],
            2 => [MerchantApi.SeededKey + " "],
            3 => [MerchantApi.SeededKey.ToUpperInvariant()],
            4 => [MerchantApi.SeededKey, "ock_test_other"],
            5 => [input.Huge(10 * 1024)],
            6 => [MerchantApi.SeededKey[..^1] + input.Pick("\u200B", "é", "\0", "0")],
            _ => [input.RandomText(40)],
        };
        var request = input.Next(4) switch
        {
            0 => RawRequest.Get("/api/v1/orders/" + WithContract.OrderId),
            1 => RawRequest.Get("/api/v1/contracts/customers/" + WithContract.CustomerId),
            2 => RawRequest.Post($"/api/v1/contracts/{WithContract.ContractId}/deactivation", "", "application/json"),
            _ => RawRequest.Post(Hpp, ValidOrder(input).Body.ToJsonString(), "application/json"),
        };
        foreach (var key in keys)
        {
            request = request.WithHeader("X-API-KEY", key);
        }

        return new FuzzCase("bad X-API-KEY", request, Problem(401));
    }

    private static FuzzCase IdempotencyKeys(MalformedInput input)
    {
        string[] keys = input.Next(7) switch
        {
            0 => [new string('k', input.Pick(256, 10_000))],
            1 => ["key with spaces"],
            2 => ["ключ-" + input.RandomWord()],
            // Not "": the test host drops an empty header (Kestrel keeps it, and the key is refused as empty).
            3 => ["\u00A0"],
            4 => ["k\u0000" + input.RandomWord(), "k\t1"],
            5 => [input.RandomWord(), input.RandomWord()],
            _ => ["\u202E" + input.RandomWord()],
        };
        var (path, body) = input.Chance(0.8) ? ValidOrder(input) : ($"/api/v1/contracts/{WithContract.ContractId}/deactivation", new JsonObject());
        var request = RawRequest.Post(path, path.EndsWith("deactivation", StringComparison.Ordinal) ? "" : body.ToJsonString(), "application/json").WithHeader("X-API-KEY", MerchantApi.SeededKey);
        foreach (var key in keys)
        {
            request = request.WithHeader("Idempotency-Key", key);
        }

        return new FuzzCase("bad Idempotency-Key", request, Problem(400));
    }

    // ---- ids in the path, and addresses no endpoint takes ----

    private static FuzzCase PathIds(MalformedInput input)
    {
        var id = input.Pick(
            () => MalformedInput.Encode(input.RandomWord(1, 64)),
            () => MalformedInput.Encode(input.Pick(WithContract.OrderId, WithContract.ContractId, WithContract.CustomerId) + input.Pick(" ", "\u200B", "\u202E", "x", "/", "%")),
            () => input.Pick(WithContract.OrderId, WithContract.ContractId, WithContract.CustomerId).Replace("-", "%2F", StringComparison.Ordinal),
            () => input.Pick("%2e%2e", "..%2F..%2Fhpp", "%ED%A0%80", "%C0%AF", "%FF", "%", "%zz", "%u0041", "%2F", "%5C"),
            () => MalformedInput.Encode(input.Huge(10 * 1024)),
            () => MalformedInput.Encode(input.RandomText(40)).Replace("%00", "", StringComparison.Ordinal))();
        var (path, isPost) = input.Next(3) switch
        {
            0 => ($"/api/v1/orders/{id}", false),
            1 => ($"/api/v1/contracts/customers/{id}", false),
            _ => ($"/api/v1/contracts/{id}/deactivation", true),
        };
        var request = (isPost ? RawRequest.Post(path, input.Chance(0.2) ? "{\"x\":1}" : "", "application/json") : RawRequest.Get(path))
            .WithHeader("X-API-KEY", MerchantApi.SeededKey);
        if (isPost && input.Chance(0.5))
        {
            request = request.WithHeader("Idempotency-Key", "fuzz-" + input.RandomWord(8, 8));
        }

        return new FuzzCase("unknown or malformed id in the path", request, Problem(404));
    }

    private static FuzzCase NoSuchEndpoint(MalformedInput input)
    {
        var (method, path) = input.Pick(
            ("GET", "/api/v1/orders"), ("GET", "/api/v1"), ("GET", "/api/v1/"), ("POST", "/api/v1/orders"), ("GET", "/api/v1/contracts"),
            ("DELETE", "/api/v1/orders/" + WithContract.OrderId), ("PUT", Hpp), ("PATCH", "/api/v1/contracts/" + WithContract.ContractId + "/deactivation"),
            ("GET", "/api/v1/contracts/" + WithContract.ContractId + "/deactivation"), ("POST", "/api/v1/orders/" + WithContract.OrderId),
            ("GET", "/api/v2/orders/hpp"), ("POST", "/api/v1/orders/hpp/extra"), ("TRACE", Hpp), ("OPTIONS", Hpp));
        var request = new RawRequest(method, path, "", method is "GET" or "TRACE" or "OPTIONS" ? null : Encoding.UTF8.GetBytes(ValidOrder(input).Body.ToJsonString()), "application/json")
            .WithHeader("X-API-KEY", MerchantApi.SeededKey);
        return new FuzzCase("no such endpoint", request, Problem(404, 405));
    }

    // ---- building and judging ----

    private static FuzzCase Post(MalformedInput input, string family, string path, string json, Func<RawResponse, string?> check) =>
        Post(input, family, path, Encoding.UTF8.GetBytes(json), "application/json", check);

    private static FuzzCase Post(MalformedInput input, string family, string path, byte[] body, string? contentType, Func<RawResponse, string?> check)
    {
        var request = new RawRequest("POST", path, "", body, contentType).WithHeader("X-API-KEY", MerchantApi.SeededKey);
        if (input.Chance(0.5))
        {
            // A refused request with a key keeps its answer for that key (decision 014): a log row, not an order.
            request = request.WithHeader("Idempotency-Key", "fuzz-" + input.RandomWord(8, 8));
        }

        return new FuzzCase(family, request, check);
    }

    /// <summary>A problem of one of these statuses: its type, title, status and detail, and for 422 the errors.</summary>
    private static Func<RawResponse, string?> Problem(params int[] statuses) => response =>
    {
        if (!statuses.Contains(response.Status))
        {
            return $"a problem with status {string.Join(" or ", statuses)} was due, not {response.Status}";
        }

        if (response.ContentType != ApiAnswer.ProblemContentType)
        {
            return $"the Content-Type is {response.ContentType}, not {ApiAnswer.ProblemContentType}";
        }

        try
        {
            var json = JsonNode.Parse(response.Body)!.AsObject();
            if (json["type"]?.GetValue<string>().StartsWith(ApiAnswer.ProblemTypePrefix, StringComparison.Ordinal) != true
                || string.IsNullOrWhiteSpace(json["title"]?.GetValue<string>())
                || json["status"]?.GetValue<int>() != response.Status
                || string.IsNullOrWhiteSpace(json["detail"]?.GetValue<string>()))
            {
                return "the problem lacks its type, title, status or detail";
            }

            return response.Status == 422 && json["errors"]?.AsObject() is not { Count: > 0 } ? "a 422 without errors" : null;
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
    };

    /// <summary>A 422 whose errors name the field (or a field inside it), or a 400 for JSON the reader refused.</summary>
    private static Func<RawResponse, string?> ProblemNaming(string field) => response =>
    {
        if (Problem(400, 422)(response) is { } problem)
        {
            return problem;
        }

        var errors = JsonNode.Parse(response.Body)!["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        return response.Status == 422 && !errors.Any(e => e == field || e.StartsWith(field + ".", StringComparison.Ordinal))
            ? $"a 422 naming '{field}' was due, not {string.Join(", ", errors)}"
            : null;
    };

    private static JsonNode? Get(JsonObject body, string path) =>
        path.Split('.').Aggregate((JsonNode?)body, (node, name) => node?[name]);

    /// <summary>Where a JSON value that starts at <paramref name="start"/> ends (a string, a number or a literal).</summary>
    private static int EndOfValue(string json, int start)
    {
        if (json[start] == '"')
        {
            var i = start + 1;
            while (json[i] != '"')
            {
                i += json[i] == '\\' ? 2 : 1;
            }

            return i + 1;
        }

        var end = start;
        while (end < json.Length && json[end] is not (',' or '}' or ']'))
        {
            end++;
        }

        return end;
    }

    private static byte[] Spliced(byte[] bytes, int at, byte[] insert) => [.. bytes[..at], .. insert, .. bytes[at..]];
}
