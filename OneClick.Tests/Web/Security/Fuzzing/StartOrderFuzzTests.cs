using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using OneClick.Core.Signatures;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>
/// <c>GET /startorder</c> and <c>POST /startorder</c> (docs/protocol.md sections 2 and 3) against generated
/// malformed requests. Each starts from a valid signed purchase and breaks it: a field-rule mutation
/// is signed again (so that it passes the signature and meets the field's rule), a tampering is not
/// (so that it meets the signature), and some requests are random from the start. Every one must be
/// refused (400 naming the parameter, 403 for the signature, 415 for the Content-Type) and store nothing.
/// </summary>
public sealed class StartOrderFuzzTests(FuzzGateway fuzz) : IClassFixture<FuzzGateway>
{
    private const int CasesPerSeed = 260;

    private const string Form = "application/x-www-form-urlencoded";

    private static readonly string[] Required = ["version", "shopID", "type", "priceAmount", "priceCurrency", "description"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public Task Startorder_malformed_requests_are_refused_with_a_named_rule_and_store_nothing(int seed)
    {
        var input = new MalformedInput(seed);
        return fuzz.RunAsync(input, Enumerable.Range(0, CasesPerSeed).Select(_ => NextCase(input)));
    }

    private static FuzzCase NextCase(MalformedInput input)
    {
        var valid = ValidPurchase(input);
        var segments = valid.Select(p => MalformedInput.Segment(p.Key, p.Value)).ToList();
        switch (input.Next(13))
        {
            case 0 or 1 or 2:
                {
                    // A field's rule: a hostile value, signed again so that the rule, not the signature, refuses it.
                    var field = input.Pick(valid.Select(p => p.Key).Where(InvalidValuesOf.ContainsKey).ToList());
                    MalformedInput.Replace(segments, field, MalformedInput.Encode(input.Pick(InvalidValuesOf[field](input))));
                    return Signed(input, "bad value of " + field, segments, field);
                }

            case 3:
                {
                    // A bad percent-encoding inside a field whose grammar takes no '%' and no non-ASCII.
                    var field = input.Pick("version", "shopID", "type", "priceAmount", "priceCurrency", "customerNumber", "paymentMethod");
                    if (!valid.Any(p => p.Key == field))
                    {
                        segments.Add(MalformedInput.Segment(field, field == "paymentMethod" ? "CC" : "cust-1"));
                    }

                    var wire = segments.First(s => s.StartsWith(field + "=", StringComparison.Ordinal))[(field.Length + 1)..];
                    MalformedInput.Replace(segments, field, input.Spliced(wire, input.BadEncoding()));
                    return Signed(input, "bad encoding in " + field, segments, field);
                }

            case 4:
                {
                    var field = input.Pick(Required);
                    segments.RemoveAll(s => s.StartsWith(field + "=", StringComparison.Ordinal));
                    return Signed(input, "missing " + field, segments, field);
                }

            case 5:
                {
                    // The same name twice (or ten times), with the same value or another.
                    var field = input.Pick(valid.Select(p => p.Key).Concat(["signature"]).ToList());
                    var times = input.Pick(2, 3, 10);
                    if (field == "signature")
                    {
                        var right = MalformedInput.Segment("signature", Sign(valid));
                        segments.AddRange(Enumerable.Range(0, times).Select(n => n == 0 || input.Chance(0.5) ? right : MalformedInput.Segment("signature", input.RandomWord())));
                        return Finish(input, "repeated signature", segments, NamesParameter("signature"));
                    }

                    for (var i = 1; i < times; i++)
                    {
                        segments.Insert(input.Next(segments.Count + 1), input.Chance(0.5)
                            ? segments.First(s => s.StartsWith(field + "=", StringComparison.Ordinal))
                            : MalformedInput.Segment(field, input.RandomWord()));
                    }

                    return Signed(input, "repeated " + field, segments, field);
                }

            case 6:
                {
                    // A parameter outside the protocol is ignored (section 2), a defined name in other
                    // letters too: next to a broken rule, the refusal names that rule and shows nothing of it.
                    var marker = "zq" + input.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture) + "qz";
                    var name = UnknownName(input);
                    segments.Insert(input.Next(segments.Count + 1), name + "=" + marker);
                    if (name.Length > 256)
                    {
                        return Signed(input, "unknown parameter with a huge name", segments, expectation: NamesParameter("(request)"));
                    }

                    var field = input.Pick(valid.Select(p => p.Key).Where(InvalidValuesOf.ContainsKey).ToList());
                    MalformedInput.Replace(segments, field, MalformedInput.Encode(input.Pick(InvalidValuesOf[field](input))));
                    return Signed(input, "unknown parameter next to a bad " + field, segments, expectation: Both(NamesParameter(field), ShowsNothingOf(marker)));
                }

            case 7:
                return Signatures(input, valid, segments);

            case 8:
                return Tampered(input, valid, segments);

            case 9:
                {
                    // Wrong types and huge values for the strict fields, from the look-alike families.
                    var field = input.Pick("priceAmount", "shopID", "version", "priceCurrency");
                    var value = field switch
                    {
                        "priceAmount" => input.Pick(input.LookAlikeDigits("9.99"), input.Pick(MalformedInput.NotANumber), input.Huge()),
                        "shopID" => input.Pick(input.LookAlikeDigits("64233"), "64233" + input.Pick(MalformedInput.UnicodeTricks), input.Huge()),
                        "version" => input.Pick(input.LookAlikeDigits("3.4"), "3.4" + input.Pick(MalformedInput.UnicodeTricks), input.Huge()),
                        _ => input.Pick("E" + input.Pick(MalformedInput.UnicodeTricks) + "UR", "ＥＵＲ", input.Huge()),
                    };
                    MalformedInput.Replace(segments, field, MalformedInput.Encode(value));
                    return Signed(input, "look-alike or huge " + field, segments, field);
                }

            case 10:
                return Floods(input, segments);

            case 11:
                return ContentTypes(input, segments);

            default:
                return RandomRequest(input);
        }
    }

    // ---- a valid purchase to start from ----

    private static List<KeyValuePair<string, string>> ValidPurchase(MalformedInput input)
    {
        var parameters = Merchant.Purchase(
            amount: input.Pick("9.99", "0.01", "1000000", "12.5"),
            currency: input.Pick("EUR", "USD", "CHF"),
            description: input.Pick("100 credits", "Crédits de chat ✓", "קרדיטים 100", "Café"));
        parameters["referenceID"] = $"fuzz-{input.Seed}-{input.Next(1_000_000_000)}";
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["custom1"] = "campaign-7",
            ["backURL"] = GatewayFactory.SuccessUrl,
            ["declineURL"] = "http://merchant.test/declined",
            ["email"] = "buyer@example.com",
            ["customerNumber"] = "cust-1",
            ["paymentMethod"] = "CC",
        })
        {
            if (input.Chance(0.4))
            {
                parameters[name] = value;
            }
        }

        return input.Shuffled(parameters);
    }

    /// <summary>Values each field's rule refuses (decoded text; the wire form is their UTF-8 percent-encoding).</summary>
    private static readonly Dictionary<string, Func<MalformedInput, string[]>> InvalidValuesOf = new(StringComparer.Ordinal)
    {
        ["version"] = i => ["3.6", "2.0", "3", "3.4.0", " 3.4", "3.4\0", "4.0", "v3.4", "3,4", "٣.٤", "true", i.Huge(), i.RandomWord()],
        ["shopID"] = i => ["0", "-64233", "064233", "64233.0", "64234", "99999999999", "2147483648", "1e5", "0x1", "６４２３３", "64233\u200B", "\u202E33246", "[64233]", i.Huge()],
        ["type"] = i => ["Purchase", "PURCHASE", "refund", "purchase ", "purchase\0", "purch\u0430se", "purchase\u200B", i.Huge()],
        ["priceAmount"] = i => [.. MalformedInput.NotANumber, "9.99\u200B", "\u202E9.99", i.LookAlikeDigits("12.50"), i.Huge()],
        ["priceCurrency"] = i => ["eur", "EU", "EURO", "XXX", "JPY", "€", "ＥＵＲ", "EUR\0", "E\u200BUR", "EUR ", "\u202EEUR", i.Huge()],
        ["description"] = i => ["a\0b", "line\nbreak", "tab\there", "   ", "\u0085", "\u001B[31mred", new string('x', 101), new string('é', 101), i.Huge()],
        ["paymentMethod"] = i => ["cc", "DDEU", "BTC", "CC ", "C\u200BC", "ＣＣ", "PAYPAL", "CC\0", i.Huge()],
        ["referenceID"] = i => [new string('r', 65), "ref\0", "ref\nX", "\u0085", i.Huge()],
        ["custom1"] = i => [new string('c', 256), "c\0", "c\r\n", i.Huge()],
        ["backURL"] = InvalidUrls,
        ["declineURL"] = InvalidUrls,
        ["email"] = i => ["a", "a@b", "a@@b.example", "a b@example.com", "@example.com", "buyer@example.com\n", "buyer@exam ple.com", "buyer@example.com\0",
            new string('e', 95) + "@x.com", i.Huge()],
        ["customerNumber"] = i => ["a b", "é", new string('x', 33), "cust\u200B1", "cust/1", "cust%1", "\u202Ecust", "cust-１", i.Huge()],
    };

    private static string[] InvalidUrls(MalformedInput input) =>
    [
        "javascript:alert(1)", "http://evil.test/", "//evil.test/", "/relative", "http://merchant.test@evil.test/", "http://evil.test\\@merchant.test/",
        "http://merchant.test.evil.test/", "http://merchant.tes\u0442/", "http://merchant.test/?signature=x", "ftp://merchant.test/", "http://merchant.test /",
        "data:text/html,hi", " http://merchant.test/", "http://user:pw@merchant.test/", "http://merchant.test/" + new string('p', 2100), input.Huge(),
    ];

    /// <summary>A name the gateway does not read: none of the protocol's nor FlexPay's, or one of them in other letters.</summary>
    private static string UnknownName(MalformedInput input) => input.Pick(
        () => "x" + input.RandomWord(),
        () => MalformedInput.Encode(input.Pick("origin", "custom4", "shopID[]", "__proto__", "blah", "plugin_version")),
        () => input.Pick("shopid", "ShopID", "SHOPID", "Signature", "PriceAmount", "backUrl", "ReferenceID", "Email"),
        () => MalformedInput.Encode("shop" + input.Pick(MalformedInput.UnicodeTricks) + "ID"),
        () => MalformedInput.Encode(input.Huge(10 * 1024)),
        () => "",
        () => "shop" + input.BadEncoding() + "ID")();

    // ---- signatures and tampering: never signed again ----

    private static FuzzCase Signatures(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        var right = Sign(valid);
        var sha1 = Merchant.Signature(valid, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1);
        var (family, signature) = input.Next(9) switch
        {
            0 => ("signature of the wrong length", right[..input.Pick(1, 32, 63)]),
            1 => ("signature too long", right + input.Pick("0", right, "00")),
            2 => ("SHA-1 signature", input.Chance(0.5) ? sha1 : sha1.ToUpperInvariant()),
            3 => ("non-hex signature", right[..10] + input.Pick("g", "Z", " ", "\u0430", "\0", "０") + right[11..]),
            4 => ("upper-case signature of another key", Merchant.Signature(valid, "AnotherShopsKey-0123456789").ToUpperInvariant()),
            5 => ("signature of another key", Merchant.Signature(valid, "AnotherShopsKey-0123456789")),
            6 => ("signature of other values", Merchant.Signature(valid.Select(p => p.Key == "priceAmount" ? new KeyValuePair<string, string>(p.Key, p.Value + "1") : p))),
            7 => ("signature with whitespace or NUL", input.Pick(" " + right, right + " ", right + "\0", right + "\n")),
            _ => ("huge signature", input.Huge()),
        };
        segments.Add(MalformedInput.Segment("signature", signature));
        return Finish(input, family, segments, BadSignature);
    }

    private static readonly string[] Addable = ["custom2", "custom3", "declineURL"];

    private static readonly string[] OtherAmounts = ["0.01", "1.00", "999999"];

    private static FuzzCase Tampered(MalformedInput input, List<KeyValuePair<string, string>> valid, List<string> segments)
    {
        segments.Add(MalformedInput.Segment("signature", Sign(valid)));
        switch (input.Next(4))
        {
            case 0:
                var amount = valid.First(p => p.Key == "priceAmount").Value;
                MalformedInput.Replace(segments, "priceAmount", input.Pick(OtherAmounts.Where(a => a != amount).ToList()));
                return Finish(input, "amount changed after signing", segments, BadSignature);
            case 1:
                MalformedInput.Replace(segments, "description", MalformedInput.Encode(input.Pick("1 credit", "100 credits\u202E", "100 credits\u200B")));
                return Finish(input, "description changed after signing", segments, BadSignature);
            case 2:
                var added = input.Pick(Addable.Where(n => !valid.Any(p => p.Key == n)).ToList());
                segments.Add(MalformedInput.Segment(added, added == "declineURL" ? "http://merchant.test/other" : "added"));
                return Finish(input, "parameter added after signing", segments, BadSignature);
            default:
                segments.RemoveAll(s => s.StartsWith("referenceID=", StringComparison.Ordinal));
                return Finish(input, "signed parameter left out", segments, BadSignature);
        }
    }

    // ---- floods, bodies and Content-Types ----

    private static FuzzCase Floods(MalformedInput input, List<string> segments)
    {
        var signature = MalformedInput.Segment("signature", Sign(MalformedInput.Decode(string.Join('&', segments), null)));
        if (input.Chance(0.5))
        {
            // 10,000 parameters, unknown names or one name repeated.
            var same = input.Chance(0.5);
            segments.AddRange(Enumerable.Range(0, 10_000).Select(n => same ? "custom1=x" : $"p{n}=x"));
        }
        else
        {
            // A very long name.
            segments.Add(new string('n', input.Pick(300, 5_000, 100_000)) + "=1");
        }

        segments.Add(signature);
        return Finish(input, "flood", segments, Refused, post: input.Chance(0.5));
    }

    private static FuzzCase ContentTypes(MalformedInput input, List<string> segments)
    {
        segments.Add(MalformedInput.Segment("signature", Sign(MalformedInput.Decode(string.Join('&', segments), null))));
        var form = string.Join('&', segments);
        var (family, body, contentType) = input.Next(7) switch
        {
            0 => ("valid form without a form Content-Type", form, input.Pick<string?>(null, "text/plain", "application/json", "application/xml", "application/x-www-form-urlencodedx", "text/html; charset=utf-8")),
            1 => ("multipart without a boundary or body", form, input.Pick("multipart/form-data", "multipart/form-data; boundary=xyz", "multipart/form-data; boundary=")),
            // An unknown or malformed charset falls back to UTF-8, where the signature proves the values: not fuzzed.
            2 => ("form in UTF-16 or UTF-32", form, input.Pick(Form + "; charset=utf-16", Form + "; charset=utf-32", Form + "; charset=utf-16BE")),
            3 => ("JSON posted as a form", "{\"shopID\":64233,\"priceAmount\":9.99,\"signature\":\"" + Sign(MalformedInput.Decode(form, null)) + "\"}", Form),
            4 => ("XML posted as a form", "<startorder><shopID>64233</shopID></startorder>", Form),
            5 => ("a megabyte form", "custom1=" + new string('x', 1024 * 1024), Form),
            _ => ("random bytes as a form", Encoding.Latin1.GetString(input.RandomBytes(2048)), Form),
        };
        var bytes = family.StartsWith("random", StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(body) : Encoding.UTF8.GetBytes(body);
        var request = new RawRequest("POST", "/startorder", "", bytes, contentType);
        return new FuzzCase(family, request, Refused);
    }

    private static FuzzCase RandomRequest(MalformedInput input)
    {
        var segments = Enumerable.Range(0, input.Between(0, 30)).Select(_ => input.Next(4) switch
        {
            0 => MalformedInput.Encode(input.RandomText(12)) + "=" + MalformedInput.Encode(input.RandomText(40)),
            1 => input.Pick(Required) + "=" + input.BadEncoding() + MalformedInput.Encode(input.RandomText(8)),
            2 => input.RandomText(20),
            _ => input.RandomWord() + "=" + input.RandomWord(),
        }).ToList();
        return Finish(input, "random", segments, Refused, post: input.Chance(0.4));
    }

    // ---- building and judging ----

    private static FuzzCase Signed(MalformedInput input, string family, List<string> segments, string? field = null, Func<RawResponse, string?>? expectation = null)
    {
        var post = input.Chance(0.4);
        var query = post && input.Chance(0.3) ? segments.Take(segments.Count / 2).ToList() : post ? [] : segments;
        var body = post ? segments.Skip(query.Count).ToList() : null;
        var signature = MalformedInput.Segment("signature", Sign(MalformedInput.Decode(string.Join('&', query), body is null ? null : string.Join('&', body))));
        (body ?? query).Insert(input.Next((body ?? query).Count + 1), signature);
        var overLimits = body is not null && OverFormLimits(string.Join('&', body));
        // A posted form over the startorder form limits is refused as a whole, before any field is read.
        var check = expectation ?? (field is null ? Refused : NamesParameter(field));
        return Build(family, query, body, overLimits ? Either(check, NamesParameter("(form)")) : check);
    }

    private static FuzzCase Finish(MalformedInput input, string family, List<string> segments, Func<RawResponse, string?> check, bool? post = null)
    {
        var posted = post ?? input.Chance(0.4);
        var body = posted ? segments : null;
        return Build(family, posted ? [] : segments, body, body is not null && OverFormLimits(string.Join('&', body)) ? Either(check, NamesParameter("(form)")) : check);
    }

    private static FuzzCase Build(string family, List<string> query, List<string>? body, Func<RawResponse, string?> check)
    {
        var queryText = query.Count == 0 ? "" : "?" + string.Join('&', query);
        var request = body is null
            ? RawRequest.Get("/startorder", queryText)
            : RawRequest.Post("/startorder", string.Join('&', body), Form, queryText);
        return new FuzzCase(family, request, response => Refused(response) ?? check(response));
    }

    private static string Sign(IEnumerable<KeyValuePair<string, string>> parameters) =>
        Merchant.Signature(parameters);

    /// <summary>
    /// Whether the gateway refuses the posted form as a whole, as its form reader does with the startorder
    /// limits (64 values, names of 256 and values of 8 KB at most, no NUL).
    /// </summary>
    private static bool OverFormLimits(string body)
    {
        var reader = new FormPipeReader(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(body)))) { ValueCountLimit = 64, KeyLengthLimit = 256, ValueLengthLimit = 8 * 1024 };
        try
        {
            reader.ReadFormAsync().GetAwaiter().GetResult();
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }

    /// <summary>Any refusal of startorder: 400 naming each broken rule, 403 saying only the signature, 415 naming the Content-Type.</summary>
    private static string? Refused(RawResponse response) => response.Status switch
    {
        400 when !response.Body.Contains("<code class=\"parameter\">", StringComparison.Ordinal) => "a 400 that names no parameter",
        400 when response.Body.Contains("<code class=\"parameter\"></code>", StringComparison.Ordinal) => "a 400 that names an empty parameter",
        400 => null,
        403 when !response.Body.Contains("The signature does not match.", StringComparison.Ordinal) => "a 403 that does not say the signature does not match",
        403 => null,
        415 when !response.Body.Contains("Content-Type", StringComparison.Ordinal) => "a 415 that does not name the Content-Type",
        415 => null,
        _ => $"status {response.Status} is not one of startorder's refusals (400, 403, 415)",
    };

    private static Func<RawResponse, string?> NamesParameter(string name) => response =>
        response.Status == 400 && response.Body.Contains($"<code class=\"parameter\">{System.Net.WebUtility.HtmlEncode(name)}</code>", StringComparison.Ordinal)
            ? null
            : $"a 400 naming '{name}' was due";

    private static string? BadSignature(RawResponse response) =>
        response.Status == 403 || (response.Status == 400 && response.Body.Contains("<code class=\"parameter\">signature</code>", StringComparison.Ordinal))
            ? null
            : "a 403 for the signature (or a 400 naming it) was due";

    private static Func<RawResponse, string?> ShowsNothingOf(string marker) => response =>
        response.Body.Contains(marker, StringComparison.Ordinal) ? $"the answer shows the ignored parameter's value '{marker}'" : null;

    private static Func<RawResponse, string?> Both(Func<RawResponse, string?> first, Func<RawResponse, string?> second) =>
        response => first(response) ?? second(response);

    private static Func<RawResponse, string?> Either(Func<RawResponse, string?> first, Func<RawResponse, string?> second) =>
        response => first(response) is { } problem && second(response) is not null ? problem : null;
}
