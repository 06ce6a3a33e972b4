using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;
using OneClick.Tests.Infrastructure;
using Merchant = OneClick.Tests.Infrastructure.Merchant;

namespace OneClick.Tests.Web.Features.SaleStatus;

/// <summary>The status page of docs/protocol.md section 6, asked about real purchases made by form posts.</summary>
public sealed class SaleStatusTests : IClassFixture<GatewayFactory>
{
    private const string Declining = "4000 0000 0000 0002";

    private static readonly string ShopId = GatewayFactory.ShopId.ToString(CultureInfo.InvariantCulture);

    private readonly GatewayFactory gateway;

    public SaleStatusTests(GatewayFactory gateway) => this.gateway = gateway;

    [Fact]
    public async Task Salestatus_by_saleID_of_approved_sale_answers_found_with_every_field()
    {
        var referenceId = NewReference();
        var ok = await BuyAsync(referenceId, more: p =>
        {
            p["email"] = "buyer@example.com";
            p["customerNumber"] = "cust-42";
        });
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == long.Parse(ok["saleID"], CultureInfo.InvariantCulture)));

        var (response, body) = await StatusAsync(new() { ["saleID"] = ok["saleID"] });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        Lines(body).ShouldBe(
        [
            new("response", "FOUND"),
            new("saleID", ok["saleID"]),
            new("referenceID", referenceId),
            new("saleResult", "APPROVED"),
            new("createdOn", sale.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("amount", "9.99"),
            new("currency", "EUR"),
            new("paymentMethod", "CC"),
            new("CCBrand", "VISA"),
            new("truncatedPAN", "424242XXXXXX4242"),
            new("email", "buyer@example.com"),
            new("customerNumber", "cust-42"),
        ]);
        Lines(body).Single(l => l.Key == "createdOn").Value.ShouldMatch(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$");
    }

    [Fact]
    public async Task Salestatus_of_order_without_referenceID_email_or_customerNumber_leaves_them_out()
    {
        var ok = await BuyAsync(referenceId: null);

        var (_, body) = await StatusAsync(new() { ["saleID"] = ok["saleID"] });

        Lines(body).Select(l => l.Key).ShouldBe(
            ["response", "saleID", "saleResult", "createdOn", "amount", "currency", "paymentMethod", "CCBrand", "truncatedPAN"]);
    }

    [Fact]
    public async Task Salestatus_by_referenceID_answers_the_approved_sale_of_the_order_not_its_declined_attempt()
    {
        var referenceId = NewReference();
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = referenceId;
        var declined = await buyer.PayAsync(await buyer.StartAsync(parameters), Declining);
        var approved = await buyer.PayAsync(await buyer.GetAsync(declined.LinkHref("Try again")!), "5555 5555 5555 4444");
        var ok = Merchant.ParseQuery(new Uri(approved.RefreshTarget!).Query);

        var (response, body) = await StatusAsync(new() { ["referenceID"] = referenceId });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fields = Fields(body);
        fields["response"].ShouldBe("FOUND");
        fields["saleID"].ShouldBe(ok["saleID"]);
        fields["referenceID"].ShouldBe(referenceId);
        fields["saleResult"].ShouldBe("APPROVED");
        fields["CCBrand"].ShouldBe("MASTERCARD");
        fields["truncatedPAN"].ShouldBe("555555XXXXXX4444");
    }

    [Fact]
    public async Task Salestatus_of_declined_sale_answers_DECLINED_by_saleID_and_by_referenceID()
    {
        var referenceId = NewReference();
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = referenceId;
        var orderPage = await buyer.StartAsync(parameters);
        (await buyer.PayAsync(orderPage, Declining)).Heading.ShouldBe("Payment declined");
        var saleId = await gateway.WithDbAsync(db => db.Sales.Where(s => s.OrderId == orderPage.OrderId).Select(s => s.Id).SingleAsync());

        var (_, bySale) = await StatusAsync(new() { ["saleID"] = saleId.ToString(CultureInfo.InvariantCulture) });
        var (_, byReference) = await StatusAsync(new() { ["referenceID"] = referenceId });

        Fields(bySale)["saleResult"].ShouldBe("DECLINED");
        Fields(bySale)["truncatedPAN"].ShouldBe("400000XXXXXX0002");
        byReference.ShouldBe(bySale);
    }

    [Fact]
    public async Task Salestatus_with_accept_json_answers_the_same_fields_as_a_json_object_of_strings()
    {
        var referenceId = NewReference();
        var ok = await BuyAsync(referenceId, more: p => p["email"] = "json@example.com");

        var (_, text) = await StatusAsync(new() { ["saleID"] = ok["saleID"] });
        var (response, json) = await StatusAsync(new() { ["saleID"] = ok["saleID"] }, accept: "application/json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        using var document = JsonDocument.Parse(json);
        var properties = document.RootElement.EnumerateObject().ToList();
        properties.ShouldAllBe(p => p.Value.ValueKind == JsonValueKind.String);
        properties.Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ShouldBe(Lines(text));
        document.RootElement.GetProperty("saleResult").GetString().ShouldBe("APPROVED");
        document.RootElement.GetProperty("referenceID").GetString().ShouldBe(referenceId);
    }

    [Fact]
    public async Task Salestatus_errors_are_json_too_when_json_is_asked_for()
    {
        var (response, json) = await StatusAsync(new() { ["saleID"] = "1", ["referenceID"] = "both" }, accept: "application/json");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("response").GetString().ShouldBe("ERROR");
        document.RootElement.GetProperty("error").GetString()!.ShouldContain("referenceID");
    }

    [Fact]
    public async Task Salestatus_with_bad_signature_is_403_and_says_nothing_else()
    {
        var ok = await BuyAsync(NewReference());
        var signed = Merchant.Sign(Query(new() { ["saleID"] = ok["saleID"] }));
        var otherSale = (long.Parse(ok["saleID"], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        signed["saleID"] = otherSale; // tampered after signing

        var (tampered, tamperedBody) = await GetAsync(signed);
        var (wrongKey, wrongKeyBody) = await StatusAsync(new() { ["saleID"] = ok["saleID"] }, key: "NotTheKeyOfThisShopAtAll123456");
        var (json, jsonBody) = await GetAsync(signed, accept: "application/json");

        tampered.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        tamperedBody.ShouldBe("response: ERROR\nerror: signature does not match\n");
        wrongKey.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        wrongKeyBody.ShouldBe(tamperedBody);
        json.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        jsonBody.ShouldBe("""{"response":"ERROR","error":"signature does not match"}""");
    }

    [Fact]
    public async Task Salestatus_signed_with_sha1_is_403_while_the_shop_does_not_accept_legacy_signatures()
    {
        var ok = await BuyAsync(NewReference());
        var parameters = Query(new() { ["saleID"] = ok["saleID"] });
        parameters["signature"] = Merchant.Signature(parameters, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1);

        var (response, body) = await GetAsync(parameters);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        body.ShouldBe("response: ERROR\nerror: signature does not match\n");
    }

    [Fact]
    public async Task Salestatus_of_unknown_sale_or_reference_or_order_without_sale_is_NOT_FOUND()
    {
        var unpaid = Merchant.Purchase();
        unpaid["referenceID"] = NewReference();
        await Buyer.Of(gateway).StartAsync(unpaid);

        var answers = new[]
        {
            await StatusAsync(new() { ["saleID"] = "999999999" }),
            await StatusAsync(new() { ["referenceID"] = NewReference() }),
            await StatusAsync(new() { ["referenceID"] = unpaid["referenceID"] }),
        };

        foreach (var (response, body) in answers)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            body.ShouldBe("response: NOT_FOUND\n");
        }
    }

    [Fact]
    public async Task Salestatus_of_another_shops_sale_is_NOT_FOUND_and_both_keys_of_a_rotating_shop_verify()
    {
        var referenceId = NewReference();
        var ok = await BuyAsync(referenceId);
        const string oldKey = "OtherShopOldKey-0123456789abcd";
        const string newKey = "OtherShopNewKey-0123456789abcd";
        var otherShop = await AddShopAsync(64300, oldKey, newKey);

        var answers = new[]
        {
            await StatusAsync(new() { ["saleID"] = ok["saleID"] }, shopId: otherShop, key: oldKey),
            await StatusAsync(new() { ["referenceID"] = referenceId }, shopId: otherShop, key: newKey),
        };

        foreach (var (response, body) in answers)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            body.ShouldBe("response: NOT_FOUND\n");
        }

        // The sale is there for its own shop.
        Fields((await StatusAsync(new() { ["saleID"] = ok["saleID"] })).Body)["response"].ShouldBe("FOUND");
    }

    [Fact]
    public async Task Salestatus_of_unknown_shop_is_400_naming_shopID()
    {
        var (response, body) = await StatusAsync(new() { ["saleID"] = "1" }, shopId: "99999");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var fields = Fields(body);
        fields["response"].ShouldBe("ERROR");
        fields["error"].ShouldStartWith("shopID 99999 is not an active shop");
    }

    [Theory]
    [InlineData(true, "referenceID cannot be sent together with saleID")]
    [InlineData(false, "saleID or referenceID is required")]
    public async Task Salestatus_with_both_or_neither_saleID_and_referenceID_is_400(bool both, string error)
    {
        var parameters = both ? new Dictionary<string, string> { ["saleID"] = "1", ["referenceID"] = "ref-1" } : new Dictionary<string, string>();

        var (response, body) = await StatusAsync(parameters);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        var fields = Fields(body);
        fields.Keys.ShouldBe(["response", "error"]);
        fields["response"].ShouldBe("ERROR");
        fields["error"].ShouldStartWith(error);
    }

    [Fact]
    public async Task Salestatus_with_a_defined_name_in_other_letters_ignores_it()
    {
        var parameters = Query([]);
        parameters["SaleID"] = "5";

        var (response, body) = await GetAsync(Merchant.Sign(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Fields(body)["error"].ShouldStartWith("saleID or referenceID is required");
        body.ShouldNotContain("SaleID", Case.Sensitive);
    }

    [Theory]
    [InlineData("custom1", "x")]
    [InlineData("mcc", "5967")]
    [InlineData("email", "buyer@example.com")]
    [InlineData("origin", "plugin")]
    public async Task Salestatus_with_a_parameter_it_does_not_use_answers_as_without_it(string name, string value)
    {
        var parameters = Query(new() { ["referenceID"] = "ref-none" });
        parameters[name] = value;

        var (response, body) = await GetAsync(Merchant.Sign(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        Fields(body)["response"].ShouldBe("NOT_FOUND");
        body.ShouldNotContain(value);
    }

    [Fact]
    public async Task Salestatus_with_repeated_parameter_is_400()
    {
        var signed = Merchant.Sign(Query(new() { ["saleID"] = "1" }));
        var query = string.Join('&', signed.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + "&saleID=2";

        var response = await gateway.CreatePlainClient().GetAsync("/salestatus?" + query);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Fields(body)["error"].ShouldBe("saleID is given more than once. Send each parameter once.");
    }

    [Theory]
    [InlineData("saleID", "12abc", "saleID must be a whole number")]
    [InlineData("saleID", "-1", "saleID must be a whole number")]
    [InlineData("saleID", "99999999999999999999", "saleID must be a whole number")]
    [InlineData("version", "2.0", "version must be one of 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 4, not '2.0'")]
    [InlineData("shopID", "abc", "shopID must be a whole number")]
    public async Task Salestatus_with_malformed_value_is_400_naming_the_parameter_and_rule(string name, string value, string error)
    {
        var parameters = Query(new() { ["saleID"] = "1" });
        parameters[name] = value;

        var (response, body) = await GetAsync(Merchant.Sign(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Fields(body)["error"].ShouldStartWith(error);
    }

    [Fact]
    public async Task Salestatus_error_echoes_a_value_short_and_without_line_breaks()
    {
        var forged = "1\r\nresponse: FOUND\nsaleResult: APPROVED" + new string('x', 200);

        var (response, body) = await StatusAsync(new() { ["saleID"] = forged });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Lines(body).Select(l => l.Key).ShouldBe(["response", "error"]);
        var error = Fields(body)["error"];
        error.ShouldContain("not '1??response: FOUND?saleResult: APPROVED");
        error.ShouldNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }

    [Theory]
    [InlineData("4242 4242 4242 4242", "123", "4242424242424242")]
    [InlineData("5555 5555 5555 4444", "123", "5555555555554444")]
    [InlineData("3782 822463 10005", "1234", "378282246310005")]
    public async Task Salestatus_never_answers_a_full_card_number(string number, string cvc, string digits)
    {
        var ok = await BuyAsync(NewReference(), number, cvc);

        var (_, text) = await StatusAsync(new() { ["saleID"] = ok["saleID"] });
        var (_, json) = await StatusAsync(new() { ["saleID"] = ok["saleID"] }, accept: "application/json");

        Fields(text)["truncatedPAN"].ShouldBe(ok["truncatedPAN"]);
        foreach (var answer in new[] { text, json })
        {
            answer.ShouldNotContain(digits);
            answer.ShouldNotContain(number);
        }
    }

    [Fact]
    public async Task Salestatus_shares_the_startorder_rate_limit()
    {
        using var limited = new GatewayFactory().Set("OneClick:RateLimits:StartOrderPerMinute", "2");
        var client = limited.CreatePlainClient();
        var url = "/salestatus?" + Encode(Merchant.Sign(Query(new() { ["saleID"] = "1" })));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.GetAsync(url)).StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
    }

    private static string NewReference() => "status-" + UniqueText.Letters();

    /// <summary>Buys with a card and returns the OK data the approval page sends the buyer on with.</summary>
    private async Task<Dictionary<string, string>> BuyAsync(string? referenceId, string number = Buyer.Visa, string cvc = "123", Action<Dictionary<string, string>>? more = null)
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        if (referenceId is not null)
        {
            parameters["referenceID"] = referenceId;
        }

        more?.Invoke(parameters);
        var result = await buyer.PayAsync(await buyer.StartAsync(parameters), number, cvc: cvc);
        result.Heading.ShouldBe("Payment approved");
        return Merchant.ParseQuery(new Uri(result.RefreshTarget.ShouldNotBeNull()).Query);
    }

    /// <summary>A second shop of its own merchant, holding two active keys as while a key is rotated.</summary>
    private async Task<string> AddShopAsync(int id, string olderKey, string newerKey)
    {
        var now = gateway.Clock.GetUtcNow().UtcDateTime;
        await gateway.WithDbAsync(async db =>
        {
            var owner = new OneClick.Core.Shops.Merchant("Other merchant", now);
            db.Merchants.Add(owner);
            await db.SaveChangesAsync();
            var shop = new Shop(id, owner.Id, "Other shop", new Uri("http://other.test/"), now);
            shop.AddSignatureKey(olderKey, now);
            shop.AddSignatureKey(newerKey, now.AddSeconds(1));
            db.Shops.Add(shop);
            return await db.SaveChangesAsync();
        });
        return id.ToString(CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> Query(Dictionary<string, string> lookup, string? shopId = null)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "3.4",
            ["shopID"] = shopId ?? ShopId,
        };
        foreach (var (name, value) in lookup)
        {
            parameters[name] = value;
        }

        return parameters;
    }

    private Task<(HttpResponseMessage Response, string Body)> StatusAsync(
        Dictionary<string, string> lookup, string? shopId = null, string key = GatewayFactory.SignatureKey, string? accept = null) =>
        GetAsync(Merchant.Sign(Query(lookup, shopId), key), accept);

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(IDictionary<string, string> parameters, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/salestatus?" + Encode(parameters));
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var response = await gateway.CreatePlainClient().SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>The <c>name: value</c> lines of a text answer, in order; every line ends with a line feed.</summary>
    private static List<KeyValuePair<string, string>> Lines(string body)
    {
        body.ShouldEndWith("\n");
        return body[..^1].Split('\n')
            .Select(line => line.Split(": ", 2))
            .Select(parts => new KeyValuePair<string, string>(parts[0], parts.Length > 1 ? parts[1] : throw new ShouldAssertException($"'{parts[0]}' is not a 'name: value' line")))
            .ToList();
    }

    private static Dictionary<string, string> Fields(string body) => Lines(body).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
}
