using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Signatures;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

public sealed class StartOrderTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public StartOrderTests(GatewayFactory gateway) => this.gateway = gateway;

    [Fact]
    public async Task Startorder_valid_redirects_303_to_order_page()
    {
        var client = gateway.CreatePlainClient();

        var response = await client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldMatch("^/order/[A-Za-z0-9_-]{22}$");
    }

    [Fact]
    public async Task Startorder_posted_form_redirects_303_to_order_page()
    {
        var client = gateway.CreatePlainClient();

        var response = await client.PostAsync("/startorder", new FormUrlEncodedContent(Merchant.Sign(Merchant.Purchase())));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldStartWith("/order/");
    }

    [Fact]
    public async Task Startorder_posted_json_is_refused_with_415()
    {
        var client = gateway.CreatePlainClient();

        var response = await client.PostAsync("/startorder", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=xyz")]
    [InlineData("multipart/form-data")]
    public async Task Startorder_posted_as_multipart_is_415(string contentType)
    {
        // Section 3 asks for a url-encoded form; a multipart reader merges names without regard to case.
        var client = gateway.CreatePlainClient();
        var form = string.Join('&', Merchant.Sign(Merchant.Purchase(description: "Multipart order")).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        using var content = new StringContent(form);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await client.PostAsync("/startorder", content);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).ShouldContain("application/x-www-form-urlencoded");
        (await CountOrdersAsync("Multipart order")).ShouldBe(0);
    }

    [Fact]
    public async Task Startorder_with_bad_signature_is_403_and_says_only_that()
    {
        var parameters = Merchant.Sign(Merchant.Purchase(description: "Bad signature order"));
        parameters["priceAmount"] = "0.01"; // tampered after signing
        var client = gateway.CreatePlainClient();

        var response = await client.GetAsync("/startorder?" + string.Join('&', parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        body.ShouldContain("The signature does not match.");
        body.ShouldNotContain("priceAmount");
        (await CountOrdersAsync("Bad signature order")).ShouldBe(0);
    }

    [Theory]
    [InlineData("priceAmount", "9,99")]
    [InlineData("priceCurrency", "XXX")]
    [InlineData("version", "2.0")]
    [InlineData("backURL", "https://evil.example/steal")]
    public async Task Startorder_breaking_a_rule_is_400_naming_the_parameter_and_stores_nothing(string name, string value)
    {
        var parameters = Merchant.Purchase(description: $"Refused {name}");
        parameters[name] = value;
        var client = gateway.CreatePlainClient();

        var response = await client.GetAsync(Merchant.StartOrderUrl(parameters));
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.QuerySelectorAll("li code.parameter").Select(c => c.TextContent).ShouldContain(name);
        (await CountOrdersAsync($"Refused {name}")).ShouldBe(0);
    }

    [Fact]
    public async Task Startorder_with_unknown_and_repeated_parameters_names_the_repeated_one_only()
    {
        var url = Merchant.StartOrderUrl(Merchant.Purchase()) + "&colour=red&version=3.4";
        var client = gateway.CreatePlainClient();

        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body.ShouldNotContain("colour");
        body.ShouldContain("is given more than once");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Startorder_with_unsigned_fields_a_plugin_adds_is_accepted_and_keeps_none_of_them(string method)
    {
        var parameters = Merchant.Sign(Merchant.Purchase());
        parameters["origin"] = "wordpress-plugin-7";
        parameters["Origin"] = "same-name-other-case";
        parameters["language"] = "de";
        parameters["email"] = "buyer@example.com";
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var client = gateway.CreatePlainClient();

        var response = method == "GET"
            ? await client.GetAsync("/startorder?" + query)
            : await client.PostAsync("/startorder", new StringContent(query, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
        var page = await Buyer.Of(gateway).GetAsync(response.Headers.Location!.ToString());
        page.Html.ShouldNotContain("wordpress-plugin-7");
        var (raw, values, _) = await DatabaseFile.ReadAllAsync(gateway);
        raw.ShouldNotContain("wordpress-plugin-7");
        raw.ShouldNotContain("same-name-other-case");
        values.ShouldContain("buyer@example.com");
    }

    [Fact]
    public async Task Startorder_with_a_flexpay_listed_field_signed_is_accepted_and_the_field_changes_nothing()
    {
        var parameters = Merchant.Purchase();
        parameters["mcc"] = "5967";
        parameters["subscriptionType"] = "RECURRING";

        var page = await Buyer.Of(gateway).StartAsync(parameters);

        page.Heading.ShouldBe("Pay by card");
        page.Html.ShouldNotContain("5967");
        page.Html.ShouldNotContain("RECURRING");
    }

    [Fact]
    public async Task Startorder_with_a_flexpay_listed_field_added_unsigned_is_403()
    {
        var url = Merchant.StartOrderUrl(Merchant.Purchase()) + "&mcc=5967";

        var response = await gateway.CreatePlainClient().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7")]
    [InlineData("application/x-www-form-urlencoded; charset=no-such-charset")]
    [InlineData("application/x-www-form-urlencoded; charset=UTF-8")]
    public async Task Startorder_posted_with_an_unsupported_charset_reads_it_as_utf8_not_500(string contentType)
    {
        var form = string.Join('&', Merchant.Sign(Merchant.Purchase()).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        using var content = new StringContent(form);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await gateway.CreatePlainClient().PostAsync("/startorder", content);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Startorder_posted_with_thousands_of_fields_is_400_not_500()
    {
        var fields = Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>($"f{i}", "x"));

        var response = await gateway.CreatePlainClient().PostAsync("/startorder", new FormUrlEncodedContent(fields));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("too large");
    }

    [Fact]
    public async Task Startorder_with_backURL_query_using_a_gateway_field_name_is_refused()
    {
        var parameters = Merchant.Purchase();
        parameters["backURL"] = "http://merchant.test/ok?saleID=1";

        var response = await gateway.CreatePlainClient().GetAsync(Merchant.StartOrderUrl(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("saleID");
    }

    [Fact]
    public async Task Startorder_for_unknown_shop_is_400_naming_shopID()
    {
        var parameters = Merchant.Purchase();
        parameters["shopID"] = "999999";

        var response = await gateway.CreatePlainClient().GetAsync(Merchant.StartOrderUrl(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("shopID");
    }

    [Fact]
    public async Task Startorder_with_legacy_sha1_is_refused_when_the_shop_has_not_switched_it_on()
    {
        var parameters = Merchant.Purchase(description: "Legacy signature");
        var sha1 = Merchant.Signature(parameters, GatewayFactory.SignatureKey, SignatureAlgorithm.Sha1);
        var url = Merchant.StartOrderUrl(parameters);
        url = url[..url.IndexOf("&signature=", StringComparison.Ordinal)] + "&signature=" + sha1;

        var response = await gateway.CreatePlainClient().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Startorder_signed_with_either_of_two_active_keys_is_accepted()
    {
        const string newKey = "NewRotatedKey-0123456789abcdef";
        await gateway.WithDbAsync(async db =>
        {
            var shop = await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId);
            if (!shop.ActiveKeys.Contains(newKey))
            {
                shop.AddSignatureKey(newKey, DateTime.UtcNow);
                await db.SaveChangesAsync();
            }

            return 0;
        });
        var client = gateway.CreatePlainClient();

        var withOld = await client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase(), GatewayFactory.SignatureKey));
        var withNew = await client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase(), newKey));

        withOld.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        withNew.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Startorder_same_referenceID_resumes_the_open_order()
    {
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "resume-" + Guid.NewGuid().ToString("N");
        var client = gateway.CreatePlainClient();

        var first = await client.GetAsync(Merchant.StartOrderUrl(parameters));
        var second = await client.GetAsync(Merchant.StartOrderUrl(parameters));

        second.Headers.Location.ShouldBe(first.Headers.Location);
    }

    [Fact]
    public async Task Startorder_same_referenceID_with_another_amount_is_refused()
    {
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "amount-" + Guid.NewGuid().ToString("N");
        var client = gateway.CreatePlainClient();
        await client.GetAsync(Merchant.StartOrderUrl(parameters));
        parameters["priceAmount"] = "19.99";

        var response = await client.GetAsync(Merchant.StartOrderUrl(parameters));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("referenceID");
    }

    [Fact]
    public async Task Startorder_same_referenceID_sent_concurrently_creates_one_order()
    {
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "race-" + Guid.NewGuid().ToString("N");
        var url = Merchant.StartOrderUrl(parameters);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => gateway.CreatePlainClient().GetAsync(url)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.SeeOther);
        responses.Select(r => r.Headers.Location!.ToString()).Distinct().Count().ShouldBe(1);
        var count = await gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.ReferenceId == parameters["referenceID"]));
        count.ShouldBe(1);
    }

    private Task<int> CountOrdersAsync(string description) =>
        gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.Description == description));
}
