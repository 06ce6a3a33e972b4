using System.Text.Json;
using OneClick.Core.Signatures;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>
/// <c>GET /salestatus</c> (docs/protocol.md section 6) against generated malformed requests, built like
/// the startorder ones from a valid signed status request for a real sale, and sent with Accept
/// headers of every kind. Every one must be refused: 400 with <c>response: ERROR</c> and an
/// <c>error</c> naming the parameter, or 403 for the signature, in the format the Accept header asked
/// for; never the sale's data, never 5xx.
/// </summary>
public sealed class SaleStatusFuzzTests(SaleStatusFuzzTests.WithSale fuzz) : IClassFixture<SaleStatusFuzzTests.WithSale>
{
    private const int CasesPerSeed = 250;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public Task Salestatus_malformed_requests_are_refused_with_a_named_rule(int seed)
    {
        var input = new MalformedInput(seed);
        return fuzz.RunAsync(input, Enumerable.Range(0, CasesPerSeed).Select(_ => NextCase(input)));
    }

    /// <summary>A gateway with one approved sale, so that a request that slipped through would find it.</summary>
    public sealed class WithSale : FuzzGateway, IAsyncLifetime
    {
        public string SaleId { get; private set; } = "";

        public string ReferenceId { get; } = "status-fuzz-1";

        public async Task InitializeAsync()
        {
            var buyer = Buyer.Of(Gateway);
            var parameters = Merchant.Purchase();
            parameters["referenceID"] = ReferenceId;
            var approved = await buyer.PayAsync(await buyer.StartAsync(parameters));
            SaleId = Merchant.VerifiedQuery(approved.RefreshTarget!)["saleID"];
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private FuzzCase NextCase(MalformedInput input)
    {
        var valid = ValidRequest(input);
        var segments = valid.Select(p => MalformedInput.Segment(p.Key, p.Value)).ToList();
        var (family, query, check) = input.Next(11) switch
        {
            0 or 1 or 2 => BadValue(input, valid, segments),
            3 => BadEncoding(input, segments),
            4 => Missing(input, valid, segments),
            5 => Repeated(input, segments),
            6 => Unknown(input, valid, segments),
            7 => Signatures(input, valid, segments),
            8 => Tampered(input, valid, segments),
            9 => Flood(input, segments),
            _ => RandomQuery(input),
        };
        var request = RawRequest.Get("/salestatus", query);
        foreach (var accept in Accepts(input))
        {
            request = request.WithHeader("Accept", accept);
        }

        return new FuzzCase(family, request, response => Refused(response) ?? check(response));
    }

    private List<KeyValuePair<string, string>> ValidRequest(MalformedInput input) => input.Shuffled(new Dictionary<string, string>
    {
        ["shopID"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["version"] = input.Pick("3.4", "3.0", "4"),
        [input.Chance(0.5) ? "saleID" : "referenceID"] = input.Chance(0.5) ? fuzz.SaleId : fuzz.ReferenceId,
    });

    private static readonly Dictionary<string, Func<MalformedInput, string[]>> InvalidValuesOf = new(StringComparer.Ordinal)
    {
        ["version"] = i => ["3.6", "2.0", "3", " 3.4", "3.4\0", "v3.4", "٣.٤", "３.４", "3.4\u200B", i.Huge()],
        ["shopID"] = i => ["0", "-64233", "064233", "64234", "2147483648", "1e5", "６４２３３", "64233\u200B", "\u202E33246", i.Huge()],
        ["saleID"] = i => ["0", "-1", "01", "1e3", "1.0", " 1", "1 ", "+1", "0x1", "٣", "１", "99999999999999999999", "9223372036854775808", "1\0", "1\u200B", "abc", "NaN", i.Huge()],
        ["referenceID"] = i => [new string('r', 65), "ref\0", "ref\nX", "\u0085", "\uFFFD", "ref\u001B[31m", i.Huge()],
    };

    private static (string, string, Func<RawResponse, string?>) BadValue(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        var field = input.Pick(valid.Select(p => p.Key).ToList());
        MalformedInput.Replace(segments, field, MalformedInput.Encode(input.Pick(InvalidValuesOf[field](input))));
        return ("bad value of " + field, Signed(input, segments), Names(field));
    }

    private static (string, string, Func<RawResponse, string?>) BadEncoding(MalformedInput input, List<string> segments)
    {
        var field = input.Pick("version", "shopID", "saleID");
        var wire = segments.FirstOrDefault(s => s.StartsWith(field + "=", StringComparison.Ordinal))?[(field.Length + 1)..];
        if (wire is null)
        {
            // The request asks by referenceID: the bad saleID comes in its place.
            segments.RemoveAll(s => s.StartsWith("referenceID=", StringComparison.Ordinal));
            wire = "12";
        }

        MalformedInput.Replace(segments, field, input.Spliced(wire, input.BadEncoding()));
        return ("bad encoding in " + field, Signed(input, segments), Names(field));
    }

    private static (string, string, Func<RawResponse, string?>) Missing(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        var field = input.Pick("version", "shopID", valid.Any(p => p.Key == "saleID") ? "saleID" : "referenceID");
        segments.RemoveAll(s => s.StartsWith(field + "=", StringComparison.Ordinal));
        // Without either id the rule names saleID ("saleID or referenceID is required").
        return ("missing " + field, Signed(input, segments), Names(field == "referenceID" ? "saleID" : field));
    }

    private static (string, string, Func<RawResponse, string?>) Repeated(MalformedInput input, List<string> segments)
    {
        if (input.Chance(0.2))
        {
            // Both ids, each once: one of them must go.
            segments.Add(segments.Any(s => s.StartsWith("saleID=", StringComparison.Ordinal)) ? "referenceID=other" : "saleID=12");
            return ("saleID and referenceID", Signed(input, segments), Names("referenceID"));
        }

        var at = input.Next(segments.Count);
        var name = segments[at][..segments[at].IndexOf('=', StringComparison.Ordinal)];
        segments.Insert(input.Next(segments.Count + 1), input.Chance(0.5) ? segments[at] : name + "=" + input.RandomWord());
        return ("repeated " + name, Signed(input, segments), Names(name));
    }

    /// <summary>
    /// A parameter the status page does not read is ignored (section 2), a defined name in other
    /// letters too: next to a broken rule, the refusal names that rule and shows nothing of it.
    /// </summary>
    private static (string, string, Func<RawResponse, string?>) Unknown(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        var marker = "zq" + input.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture) + "qz";
        var name = input.Pick(
            () => "x" + input.RandomWord(),
            () => MalformedInput.Encode(input.Pick("priceAmount", "email", "custom1", "oneClickToken", "saleID[]", "mcc", "origin")),
            () => input.Pick("SaleID", "saleid", "ShopID", "referenceId", "Signature"),
            () => MalformedInput.Encode("sale" + input.Pick(MalformedInput.UnicodeTricks) + "ID"),
            () => "",
            () => "sale" + input.BadEncoding() + "ID")();
        segments.Insert(input.Next(segments.Count + 1), name + "=" + marker);
        var (family, query, check) = BadValue(input, valid, segments);
        return ("unknown parameter next to a " + family, query, response =>
            check(response) ?? (response.Body.Contains(marker, StringComparison.Ordinal) ? $"the answer shows the ignored parameter's value '{marker}'" : null));
    }

    private static (string, string, Func<RawResponse, string?>) Signatures(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        var right = Sign(valid);
        var signature = input.Next(7) switch
        {
            0 => right[..input.Pick(1, 40, 63)],
            1 => right + input.Pick("0", right),
            2 => Merchant.Signature(valid, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1),
            3 => right[..5] + input.Pick("g", " ", "\u0430", "\0") + right[6..],
            4 => Merchant.Signature(valid, "AnotherShopsKey-0123456789").ToUpperInvariant(),
            5 => input.Pick(" " + right, right + "\n"),
            _ => input.Huge(),
        };
        segments.Add(MalformedInput.Segment("signature", signature));
        return ("bad signature", Query(segments), BadSignature);
    }

    private (string, string, Func<RawResponse, string?>) Tampered(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        segments.Add(MalformedInput.Segment("signature", Sign(valid)));
        if (segments.Any(s => s.StartsWith("saleID=", StringComparison.Ordinal)))
        {
            // Another sale's status with this sale's signature.
            MalformedInput.Replace(segments, "saleID", (long.Parse(fuzz.SaleId, System.Globalization.CultureInfo.InvariantCulture) + input.Between(1, 1000)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            MalformedInput.Replace(segments, "referenceID", MalformedInput.Encode(fuzz.ReferenceId + input.Pick("x", "\u200B", " ")));
        }

        return ("id changed after signing", Query(segments), BadSignature);
    }

    private static (string, string, Func<RawResponse, string?>) Flood(MalformedInput input, List<string> segments)
    {
        var signature = MalformedInput.Segment("signature", Sign(MalformedInput.Decode(Query(segments))));
        segments.AddRange(input.Chance(0.5)
            ? Enumerable.Range(0, 10_000).Select(n => input.Chance(0.5) ? "version=3.4" : $"p{n}=x")
            : [new string('n', input.Pick(300, 100_000)) + "=1"]);
        segments.Add(signature);
        return ("flood", Query(segments), _ => null);
    }

    private static (string, string, Func<RawResponse, string?>) RandomQuery(MalformedInput input) =>
        ("random", "?" + string.Join('&', Enumerable.Range(0, input.Between(0, 20)).Select(_ => input.Next(3) switch
        {
            0 => MalformedInput.Encode(input.RandomText(12)) + "=" + MalformedInput.Encode(input.RandomText(30)),
            1 => input.Pick("saleID", "shopID", "version", "referenceID", "signature") + "=" + input.BadEncoding() + input.RandomWord(),
            _ => input.RandomText(15),
        })), _ => null);

    private static IEnumerable<string> Accepts(MalformedInput input) => input.Next(12) switch
    {
        0 or 1 or 2 => [],
        3 => ["application/json"],
        4 => ["text/plain"],
        5 => ["*/*"],
        6 => [input.Pick("application/json;q=0.5, text/plain;q=0.9", "application/json;q=abc", "application/json;q=2", "text/plain;q=0, application/json;q=0")],
        7 => ["application/json", "text/plain"],
        8 => [input.Pick(";;;", ",", "application/", "/json", "\u00e9/\u00e9", "text/html", "application/xml")],
        9 => [input.Huge(8 * 1024)],
        10 => [input.RandomText(60)],
        _ => ["application/json, application/json, */*;q=0.1"],
    };

    // ---- building and judging ----

    private static string Sign(IEnumerable<KeyValuePair<string, string>> parameters) => Merchant.Signature(parameters);

    private static string Query(List<string> segments) => "?" + string.Join('&', segments);

    private static string Signed(MalformedInput input, List<string> segments)
    {
        segments.Insert(input.Next(segments.Count + 1), MalformedInput.Segment("signature", Sign(MalformedInput.Decode(Query(segments)))));
        return Query(segments);
    }

    /// <summary>
    /// A refusal of salestatus: 400 or 403 with <c>response: ERROR</c> and an <c>error</c>, as
    /// <c>name: value</c> lines or, where the Content-Type says so, a JSON object; never a sale's fields.
    /// </summary>
    private static string? Refused(RawResponse response)
    {
        if (response.Status is not (400 or 403))
        {
            return $"status {response.Status} is not one of salestatus' refusals (400, 403)";
        }

        var fields = FieldsOf(response);
        if (fields is null)
        {
            return $"the body is not what its Content-Type ({response.ContentType}) says";
        }

        if (fields.GetValueOrDefault("response") != "ERROR" || string.IsNullOrWhiteSpace(fields.GetValueOrDefault("error")))
        {
            return "the answer lacks 'response: ERROR' and its 'error'";
        }

        return fields.Keys.Except(["response", "error"]).FirstOrDefault() is { } leaked ? $"a refusal that carries '{leaked}'" : null;
    }

    private static Dictionary<string, string>? FieldsOf(RawResponse response)
    {
        if (response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
        {
            try
            {
                return JsonSerializer.Deserialize<Dictionary<string, string>>(response.Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (response.ContentType?.StartsWith("text/plain", StringComparison.Ordinal) != true)
        {
            return null;
        }

        var lines = response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.All(l => l.Contains(": ", StringComparison.Ordinal))
            ? lines.Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
            : null;
    }

    private static Func<RawResponse, string?> Names(string parameter) => response =>
        response.Status == 400 && FieldsOf(response)!["error"].Contains(parameter + " ", StringComparison.Ordinal) ? null : $"a 400 whose error names '{parameter}' was due";

    private static Func<RawResponse, string?> Says(string words) => response =>
        FieldsOf(response)!["error"].Contains(words, StringComparison.Ordinal) ? null : $"an error saying '{words}' was due";

    private static string? BadSignature(RawResponse response) =>
        response.Status == 403 || FieldsOf(response)!["error"].Contains("signature ", StringComparison.Ordinal) ? null : "a 403 for the signature (or a 400 naming it) was due";
}
