using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Core.Signatures;
using OneClick.Tests.DemoShop;
using OneClick.Tests.Infrastructure;
using Pair = System.Collections.Generic.KeyValuePair<string, string>;

namespace OneClick.Tests.Web.Security;

/// <summary>One gateway with a second merchant's shop and one approved sale to ask the status page about.</summary>
public sealed class TamperingGateway : IAsyncLifetime, IDisposable
{
    public const int OtherShopId = 70031;
    public const string OtherKey = "OtherShopKey-tamper-0123456789";

    public GatewayFactory Gateway { get; } = new();

    public long SaleId { get; private set; }

    public async Task InitializeAsync()
    {
        await Gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var buyer = Buyer.Of(Gateway);
        var parameters = Merchant.Purchase(description: "Status of this sale");
        parameters["referenceID"] = "tamper-status";
        (await buyer.PayAsync(await buyer.StartAsync(parameters))).Heading.ShouldBe("Payment approved");
        SaleId = await Gateway.WithDbAsync(db => db.Sales.Select(s => s.Id).SingleAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Gateway.Dispose();
}

/// <summary>
/// Signed merchant messages changed after signing (docs/protocol.md sections 2, 3, 5, 6): every change is
/// refused with 403 (the signature does not match) or 400 (the shape is refused before the signature
/// is checked), and nothing is stored. The signature is a keyed prefix hash with no escaping, so the
/// defences are: known, unrepeated, case-sensitive names; no value that could read as a second pair;
/// values hashed as the UTF-8 of decoded text (so SHA-256 padding bytes can never reach the hash);
/// constant-time comparison against the shop's own keys; SHA-1 only where a shop switched it on.
/// Unsigned by design, and so free to add: <c>email</c> and <c>oneClickToken</c> (section 2).
/// A signature in upper-case hex is the same 256 bits and is accepted (FlexPaySignatureTests).
/// Also proven elsewhere: StartOrderTests (bad signature, SHA-1, unknown and repeated names, a
/// referenceID resumed and created once when sent concurrently), PurchaseTests
/// (Startorder_after_approval_with_same_referenceID_shows_the_result_without_charging_again),
/// SaleStatusTests (bad signature, SHA-1), PostbackEndpointTests (the demo shop's postback checks).
/// </summary>
public sealed class SignatureTamperingTests(TamperingGateway fixture) : IClassFixture<TamperingGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    private static readonly string Shop = GatewayFactory.ShopId.ToString(CultureInfo.InvariantCulture);

    // ---- startorder ----

    /// <summary>A signed startorder with optional fields too, so that there is something to move, merge and remove.</summary>
    private static List<Pair> StartOrderFields(string referenceId) =>
    [
        new("version", "3.4"),
        new("shopID", Shop),
        new("type", "purchase"),
        new("priceAmount", "9.99"),
        new("priceCurrency", "EUR"),
        new("description", "Tampered order"),
        new("referenceID", referenceId),
        new("custom1", "user-1"),
        new("custom2", "campaign-7"),
        new("backURL", "http://merchant.test/ok"),
    ];

    /// <summary>Each way of changing a signed startorder, and the status that refuses it.</summary>
    private static readonly Dictionary<string, (Func<List<Pair>, List<Pair>> Change, HttpStatusCode Status)> StartOrderTamperings = new()
    {
        ["unchanged (the control: accepted)"] = (p => p, HttpStatusCode.SeeOther),
        ["changed amount"] = (p => Set(p, "priceAmount", "0.01"), HttpStatusCode.Forbidden),
        ["changed currency"] = (p => Set(p, "priceCurrency", "USD"), HttpStatusCode.Forbidden),
        ["added signed parameter, signed ones unchanged"] = (p => [.. p, new("declineURL", "http://merchant.test/no")], HttpStatusCode.Forbidden),
        ["added unknown parameter, signed ones unchanged (ignored: accepted)"] = (p => [.. p, new("colour", "red")], HttpStatusCode.SeeOther),
        ["added FlexPay-listed parameter unsigned"] = (p => [.. p, new("mcc", "5967")], HttpStatusCode.Forbidden),
        ["added unsigned email, language and origin (accepted)"] = (p => [.. p, new("email", "buyer@example.com"), new("language", "de"), new("origin", "plugin")], HttpStatusCode.SeeOther),
        ["removed parameter"] = (p => p.Where(x => x.Key != "custom2").ToList(), HttpStatusCode.Forbidden),
        ["value moved to another name"] = (p => Rename(p, "custom2", "custom3"), HttpStatusCode.Forbidden),
        ["pair merged into the value before it"] = (p => Merge(p, "custom1", "custom2"), HttpStatusCode.BadRequest),
        ["name in another case (ignored: the signed one is missing)"] = (p => Rename(p, "priceAmount", "PriceAmount"), HttpStatusCode.Forbidden),
        ["name in upper case (ignored: shopID is missing)"] = (p => Rename(p, "shopID", "SHOPID"), HttpStatusCode.BadRequest),
        ["repeated with a second value after"] = (p => [.. p, new("priceAmount", "0.01")], HttpStatusCode.BadRequest),
        ["repeated with a second value before"] = (p => [new("priceAmount", "0.01"), .. p], HttpStatusCode.BadRequest),
        ["signature repeated, a forged one first"] = (p => [new("signature", new string('0', 64)), .. p], HttpStatusCode.BadRequest),
        ["signed with another shop's key"] = (p => Resign(p, TamperingGateway.OtherKey), HttpStatusCode.Forbidden),
        ["SHA-1 while the shop has legacy signatures off"] = (p => Resign(p, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1), HttpStatusCode.Forbidden),
        ["upper-case hex over a changed amount"] = (p => Set(Set(p, "priceAmount", "0.01"), "signature", Value(p, "signature").ToUpperInvariant()), HttpStatusCode.Forbidden),
    };

    public static TheoryData<string, string> StartOrderCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in StartOrderTamperings.Keys)
        {
            data.Add(name, "GET");
            data.Add(name, "POST");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StartOrderCases))]
    public async Task Startorder_changed_after_signing_is_refused_and_stores_nothing(string tampering, string method)
    {
        var (change, status) = StartOrderTamperings[tampering];
        var signed = Resign(StartOrderFields($"tamper-{method}-{UniqueText.Letters()}"), GatewayFactory.SignatureKey);
        var before = await StoredRows.CountAsync(Gateway);

        var response = await SendStartOrderAsync(method, Encode(change(signed)));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(status, $"{tampering} ({method}): {body}");
        if (status == HttpStatusCode.SeeOther)
        {
            return;
        }

        if (status == HttpStatusCode.Forbidden)
        {
            body.ShouldContain("The signature does not match.");
        }

        (await StoredRows.CountAsync(Gateway)).ShouldBe(before, tampering);
    }

    [Fact]
    public async Task Startorder_pair_merged_into_the_value_before_it_is_refused_naming_the_value()
    {
        // custom1=user-1 and custom2=campaign-7 sign as "custom1=user-1:custom2=campaign-7", which is
        // also what custom1="user-1:custom2=campaign-7" alone signs as: the scheme cannot tell them apart.
        var merged = Merge(Resign(StartOrderFields("merged-" + UniqueText.Letters()), GatewayFactory.SignatureKey), "custom1", "custom2");

        var response = await Gateway.CreatePlainClient().GetAsync("/startorder?" + Encode(merged));
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.QuerySelectorAll("li code.parameter").Select(c => c.TextContent).ShouldBe(["custom1"]);
        page.QuerySelector("li")!.TextContent.ShouldContain(":custom2=");
    }

    [Fact]
    public async Task Replayed_startorder_from_another_browser_after_approval_shows_the_result_and_charges_nothing()
    {
        var fields = StartOrderFields("replayed-" + UniqueText.Letters());
        var url = "/startorder?" + Encode(Resign(fields, GatewayFactory.SignatureKey));
        var buyer = Buyer.Of(Gateway);
        var paid = await buyer.PayAsync(await buyer.GetAsync(url));
        paid.Heading.ShouldBe("Payment approved");
        var before = await StoredRows.CountAsync(Gateway);

        // Someone who saw the signed URL sends it again, from another browser, as a link and as a form.
        var replayer = Buyer.Of(Gateway);
        var again = await replayer.GetAsync(url);
        var posted = await replayer.Client.PostAsync("/startorder", new StringContent(url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..], Encoding.ASCII, "application/x-www-form-urlencoded"));

        again.Heading.ShouldBe("Payment approved");
        again.Document.QuerySelector("form input[name=_handler]").ShouldBeNull();
        posted.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await replayer.GetAsync(posted.Headers.Location!.ToString())).Heading.ShouldBe("Payment approved");
        (await StoredRows.CountAsync(Gateway)).ShouldBe(before);
    }

    // ---- salestatus ----

    private List<Pair> StatusFields() =>
    [
        new("shopID", Shop),
        new("version", "3.4"),
        new("saleID", fixture.SaleId.ToString(CultureInfo.InvariantCulture)),
    ];

    private static readonly Dictionary<string, (Func<List<Pair>, List<Pair>> Change, HttpStatusCode Status)> StatusTamperings = new()
    {
        ["unchanged (the control: FOUND)"] = (p => p, HttpStatusCode.OK),
        ["another saleID"] = (p => Set(p, "saleID", "1" + Value(p, "saleID")), HttpStatusCode.Forbidden),
        ["added signed parameter"] = (p => [.. p, new("referenceID", "tamper-status")], HttpStatusCode.Forbidden),
        ["added unknown parameter (ignored: FOUND)"] = (p => [.. p, new("colour", "red")], HttpStatusCode.OK),
        ["added FlexPay-listed parameter unsigned"] = (p => [.. p, new("custom1", "x")], HttpStatusCode.Forbidden),
        ["removed parameter"] = (p => p.Where(x => x.Key != "version").ToList(), HttpStatusCode.Forbidden),
        ["value moved to another name"] = (p => Rename(p, "saleID", "referenceID"), HttpStatusCode.Forbidden),
        ["pair merged into the value before it"] = (p => Merge(p, "saleID", "shopID"), HttpStatusCode.BadRequest),
        ["name in another case (ignored: the signed one is missing)"] = (p => Rename(p, "saleID", "SaleID"), HttpStatusCode.Forbidden),
        ["repeated with a second value"] = (p => [.. p, new("saleID", "1")], HttpStatusCode.BadRequest),
        ["signed with another shop's key"] = (p => Resign(p, TamperingGateway.OtherKey), HttpStatusCode.Forbidden),
        ["SHA-1 while the shop has legacy signatures off"] = (p => Resign(p, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1), HttpStatusCode.Forbidden),
        ["upper-case hex over another saleID"] = (p => Set(Set(p, "saleID", "1" + Value(p, "saleID")), "signature", Value(p, "signature").ToUpperInvariant()), HttpStatusCode.Forbidden),
    };

    public static TheoryData<string> StatusCases() => [.. StatusTamperings.Keys];

    [Theory]
    [MemberData(nameof(StatusCases))]
    public async Task Salestatus_changed_after_signing_is_refused_and_answers_nothing_of_the_sale(string tampering)
    {
        var (change, status) = StatusTamperings[tampering];
        var signed = Resign(StatusFields(), GatewayFactory.SignatureKey);

        var response = await Gateway.CreatePlainClient().GetAsync("/salestatus?" + Encode(change(signed)));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(status, $"{tampering}: {body}");
        if (status == HttpStatusCode.OK)
        {
            body.ShouldContain("response: FOUND");
            return;
        }

        body.ShouldStartWith("response: ERROR");
        body.ShouldNotContain("saleResult");
    }

    // ---- length extension ----

    private const string Extension = ":zzz=evil";

    [Fact]
    public void Length_extension_forgery_is_a_genuine_SHA256_of_the_extended_message()
    {
        foreach (var length in new[] { 0, 1, 55, 56, 63, 64, 119, 120, 200 })
        {
            var message = Encoding.ASCII.GetBytes(new string('k', length));
            var forged = Sha256Extension.Extend(SHA256.HashData(message), message.Length, Encoding.ASCII.GetBytes(Extension));

            forged.ShouldBe(SHA256.HashData([.. message, .. Sha256Extension.Padding(message.Length), .. Encoding.ASCII.GetBytes(Extension)]), $"length {length}");
        }
    }

    /// <summary>How the bytes of a forged request could reach the gateway.</summary>
    public static TheoryData<string> Deliveries() =>
    [
        "query: padding and extension percent-encoded in the last value",
        "query: padding in the last value, extension as its own parameter",
        "query: each padding byte as the character of that code",
        "form post: padding and extension percent-encoded in the last value",
        "form post: padding in the last value, extension as its own parameter",
        "form post declared ISO-8859-1: each padding byte one character",
        "form post: padding as raw bytes, not percent-encoded",
    ];

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Startorder_forged_by_length_extension_is_refused_and_stores_nothing(string delivery)
    {
        // The attacker holds a valid signed startorder and knows (or guesses) the key's length.
        var fields = Merchant.Purchase(description: "Length extension");
        var before = await StoredRows.CountAsync(Gateway);

        var (method, contentType, body) = ForgeExtended(fields.ToList(), delivery);
        using var request = new HttpRequestMessage(method == "GET" ? HttpMethod.Get : HttpMethod.Post, method == "GET" ? "/startorder?" + Encoding.ASCII.GetString(body) : "/startorder");
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        var response = await Gateway.CreatePlainClient().SendAsync(request);

        ((int)response.StatusCode).ShouldBeOneOf([400, 403], $"{delivery}: {await response.Content.ReadAsStringAsync()}");
        (await StoredRows.CountAsync(Gateway)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Salestatus_forged_by_length_extension_is_refused(string delivery)
    {
        if (delivery.StartsWith("form post", StringComparison.Ordinal))
        {
            return; // salestatus is a GET only
        }

        var (_, _, query) = ForgeExtended(StatusFields(), delivery);

        var response = await Gateway.CreatePlainClient().GetAsync("/salestatus?" + Encoding.ASCII.GetString(query));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBeOneOf([400, 403], $"{delivery}: {body}");
        body.ShouldNotContain("saleResult");
    }

    [Theory]
    [InlineData("/return", "query: padding and extension percent-encoded in the last value")]
    [InlineData("/return", "query: padding in the last value, extension as its own parameter")]
    [InlineData("/declined", "query: padding and extension percent-encoded in the last value")]
    [InlineData("/declined", "query: padding in the last value, extension as its own parameter")]
    public async Task Demo_shop_return_forged_by_length_extension_is_refused(string page, string delivery)
    {
        // The merchant verifies the OK data over every parameter it receives, so an extension that
        // reached the hash would be accepted: only the UTF-8 round trip of the padding stops it.
        await using var shop = await DemoShopClient.StartAsync();
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 4242).ToList();

        var (_, _, query) = ForgeExtended(okData, delivery, DemoShopClient.SignatureKey);
        var answer = await shop.VisitAsync(page + "?" + Encoding.ASCII.GetString(query));

        answer.Status.ShouldBe(HttpStatusCode.Forbidden, delivery);
        answer.Html.ShouldContain("Signature does not match");
        (await shop.ShopPageAsync()).Purchases.ShouldHaveSingleItem()[4].ShouldBe("Waiting for payment");
    }

    /// <summary>
    /// A request forged by length extension: the signed fields with SHA-256 padding and
    /// <see cref="Extension"/> after the value of the last signed pair (in sorted order), and a signature
    /// that is the true SHA-256 of key + ":" + pairs + padding + extension. Returns the method, the
    /// content type of a post and the query or body.
    /// </summary>
    private static (string Method, string? ContentType, byte[] Body) ForgeExtended(List<Pair> fields, string delivery, string key = GatewayFactory.SignatureKey)
    {
        var signature = FlexPaySignature.Compute(key, fields);
        var message = Encoding.UTF8.GetBytes(key + ":" + string.Join(':', fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value)));
        SHA256.HashData(message).ShouldBe(Convert.FromHexString(signature), "the canonical message is the one the signature covers");
        var padding = Sha256Extension.Padding(message.Length);
        var extension = Encoding.ASCII.GetBytes(Extension);
        var forged = Convert.ToHexStringLower(Sha256Extension.Extend(Convert.FromHexString(signature), message.Length, extension));
        Convert.ToHexStringLower(SHA256.HashData([.. message, .. padding, .. extension])).ShouldBe(forged, "the forgery is a valid SHA-256");

        var last = fields.MaxBy(f => f.Key, StringComparer.Ordinal);
        var own = delivery.Contains("its own parameter", StringComparison.Ordinal);
        byte[] lastValue = own ? [.. Encoding.UTF8.GetBytes(last.Value), .. padding] : [.. Encoding.UTF8.GetBytes(last.Value), .. padding, .. extension];
        var others = fields.Where(f => f.Key != last.Key).Append(new("signature", forged));
        if (own)
        {
            others = others.Append(new("zzz", "evil"));
        }

        var head = Encoding.ASCII.GetBytes(Encode(others) + "&" + Uri.EscapeDataString(last.Key) + "=");
        byte[] value = delivery switch
        {
            _ when delivery.Contains("raw bytes", StringComparison.Ordinal) => lastValue,
            _ when delivery.Contains("character of that code", StringComparison.Ordinal) => Encoding.ASCII.GetBytes(Uri.EscapeDataString(new string(lastValue.Select(b => (char)b).ToArray()))),
            _ => Encoding.ASCII.GetBytes(PercentEncode(lastValue)),
        };
        var contentType = delivery.Contains("ISO-8859-1", StringComparison.Ordinal)
            ? "application/x-www-form-urlencoded; charset=iso-8859-1"
            : "application/x-www-form-urlencoded";
        return (delivery.StartsWith("query", StringComparison.Ordinal) ? "GET" : "POST", contentType, [.. head, .. value]);
    }

    // ---- postback signature header (section 5) ----

    [Theory]
    [InlineData(-330, HttpStatusCode.Forbidden)]
    [InlineData(-270, HttpStatusCode.OK)]
    public async Task Demo_shop_postback_is_refused_once_its_header_is_older_than_five_minutes(int ageSeconds, HttpStatusCode expected)
    {
        await using var shop = await DemoShopClient.StartAsync();
        var startOrder = await shop.BuyAsync(100);
        var query = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 5151));
        // A postback captured that long ago and sent again now.
        var captured = DemoShopClient.SignatureHeader(query, DateTimeOffset.UtcNow.AddSeconds(ageSeconds));

        var answer = await shop.PostbackAsync(query, captured);

        answer.Status.ShouldBe(expected, answer.Body);
        (await shop.ShopPageAsync()).Balance.ShouldBe(expected == HttpStatusCode.OK ? "100 credits" : "0 credits");
    }

    [Theory]
    [InlineData("t moved to now")]
    [InlineData("t moved by one second")]
    [InlineData("query in another order, still FlexPay-signed")]
    [InlineData("query with a parameter left out")]
    public async Task Demo_shop_postback_whose_header_t_or_query_was_changed_is_refused(string change)
    {
        await using var shop = await DemoShopClient.StartAsync();
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 5252);
        var query = DemoShopClient.SignedQuery(okData);
        var sentAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var header = DemoShopClient.SignatureHeader(query, sentAt);
        var t = sentAt.ToUnixTimeSeconds();
        var (sentQuery, sentHeader) = change switch
        {
            "t moved to now" => (query, header.Replace($"t={t}", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", StringComparison.Ordinal)),
            "t moved by one second" => (query, FreshHeaderWithT(query, offset: 1)),
            "query in another order, still FlexPay-signed" => (string.Join('&', query.Split('&').Reverse()), DemoShopClient.SignatureHeader(query, DateTimeOffset.UtcNow)),
            _ => (query.Replace("&CCBrand=VISA", "", StringComparison.Ordinal), DemoShopClient.SignatureHeader(query, DateTimeOffset.UtcNow)),
        };

        var answer = await shop.PostbackAsync(sentQuery, sentHeader);

        answer.Status.ShouldBe(HttpStatusCode.Forbidden, change);
        (await shop.ShopPageAsync()).Balance.ShouldBe("0 credits");
    }

    /// <summary>A fresh, valid header whose t is then changed by <paramref name="offset"/> seconds (its v1 left as it was).</summary>
    private static string FreshHeaderWithT(string query, int offset)
    {
        var now = DateTimeOffset.UtcNow;
        var header = DemoShopClient.SignatureHeader(query, now);
        return header.Replace($"t={now.ToUnixTimeSeconds()}", $"t={now.ToUnixTimeSeconds() + offset}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t=1700000000,t=1700000000,v1=00")]
    [InlineData("t=99999999999999999,v1=00")]
    [InlineData("t=-5,v1=00")]
    [InlineData("v1=00")]
    [InlineData(",,,")]
    public void Postback_header_check_refuses_a_hostile_header_without_throwing(string header)
    {
        // PostbackSignature.Verify is the check docs/protocol.md section 5 describes; a merchant's copy of it
        // must answer false to anything an attacker sends, never throw (a 500 would make the gateway retry).
        Should.NotThrow(() => PostbackSignature.Verify(header, GatewayFactory.SignatureKey, "shopID=1", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), TimeSpan.FromMinutes(5)))
            .ShouldBeFalse();
    }

    // ---- helpers ----

    private async Task<HttpResponseMessage> SendStartOrderAsync(string method, string query)
    {
        var client = Gateway.CreatePlainClient();
        return method == "GET"
            ? await client.GetAsync("/startorder?" + query)
            : await client.PostAsync("/startorder", new StringContent(query, Encoding.ASCII, "application/x-www-form-urlencoded"));
    }

    private static List<Pair> Resign(List<Pair> pairs, string key, SignatureAlgorithm algorithm = SignatureAlgorithm.Sha256)
    {
        var fields = pairs.Where(p => p.Key != "signature").ToList();
        return [.. fields, new("signature", Merchant.Signature(fields, key, algorithm))];
    }

    private static string Value(List<Pair> pairs, string name) => pairs.Single(p => p.Key == name).Value;

    private static List<Pair> Set(List<Pair> pairs, string name, string value) =>
        pairs.Select(p => p.Key == name ? new Pair(name, value) : p).ToList();

    private static List<Pair> Rename(List<Pair> pairs, string from, string to) =>
        pairs.Select(p => p.Key == from ? new Pair(to, p.Value) : p).ToList();

    /// <summary>Moves the pair <paramref name="next"/> into the value of <paramref name="into"/>, where the signature cannot see the difference.</summary>
    private static List<Pair> Merge(List<Pair> pairs, string into, string next) => pairs
        .Where(p => p.Key != next)
        .Select(p => p.Key == into ? new Pair(into, $"{p.Value}:{next}={Value(pairs, next)}") : p)
        .ToList();

    private static string Encode(IEnumerable<Pair> pairs) =>
        string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>Every byte as %XX except unreserved ASCII: the raw bytes, not the UTF-8 of characters.</summary>
    private static string PercentEncode(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
                ? ((char)b).ToString()
                : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
