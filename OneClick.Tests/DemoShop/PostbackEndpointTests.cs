using System.Net;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// The demo shop's /postback, as a merchant's endpoint must behave (docs/protocol.md section 5): both
/// signatures checked, each sale credited once whatever the gateway repeats, refunds taken back.
/// </summary>
public sealed class PostbackEndpointTests : IAsyncLifetime
{
    private DemoShopClient shop = default!;

    public async Task InitializeAsync() => shop = await DemoShopClient.StartAsync();

    public async Task DisposeAsync() => await shop.DisposeAsync();

    [Fact]
    public async Task Buy_link_sends_the_buyer_to_startorder_signed_as_the_gateway_checks_it()
    {
        var startOrder = await shop.BuyAsync(100);

        FlexPaySignature.VerifyRequest(startOrder["signature"], [DemoShopClient.SignatureKey], startOrder, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
        startOrder["version"].ShouldBe("3.4");
        startOrder["shopID"].ShouldBe("64233");
        startOrder["type"].ShouldBe("purchase");
        startOrder["priceAmount"].ShouldBe("9.99");
        startOrder["priceCurrency"].ShouldBe("EUR");
        startOrder["description"].ShouldBe("100 credits");
        startOrder["referenceID"].ShouldNotBeNullOrEmpty();
        startOrder["custom1"].ShouldMatch("^user-[0-9a-f]{8}$");
        // The user id names the customer whose wallet the gateway offers, and is signed too.
        startOrder["customerNumber"].ShouldBe(startOrder["custom1"]);
        startOrder["backURL"].ShouldBe(shop.Server.Url + "/return");
        startOrder["declineURL"].ShouldBe(shop.Server.Url + "/declined");
        var page = await shop.ShopPageAsync();
        page.Balance.ShouldBe("0 credits");
        page.Purchases.ShouldHaveSingleItem()[4].ShouldBe("Waiting for payment");
    }

    [Fact]
    public async Task Signed_postback_answers_OK_and_credits_the_purchase_once_however_often_it_comes()
    {
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 501);

        for (var delivery = 0; delivery < 3; delivery++)
        {
            var answer = await shop.SignedPostbackAsync(okData);
            answer.Status.ShouldBe(HttpStatusCode.OK);
            answer.Body.ShouldBe("OK");
        }

        var page = await shop.ShopPageAsync();
        page.Balance.ShouldBe("100 credits");
        var row = page.Purchases.ShouldHaveSingleItem();
        row[1].ShouldBe("100 credits");
        row[2].ShouldBe("9.99 EUR");
        row[3].ShouldBe("501");
        row[4].ShouldBe("Paid");
    }

    [Fact]
    public async Task Ten_concurrent_deliveries_of_one_sale_credit_it_once()
    {
        var startOrder = await shop.BuyAsync(500);
        var okData = DemoShopClient.OkData(startOrder, saleId: 502);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => shop.SignedPostbackAsync(okData)));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK && a.Body == "OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("500 credits");
    }

    [Fact]
    public async Task Postback_signed_with_another_key_is_refused_and_credits_nothing()
    {
        var startOrder = await shop.BuyAsync(100);
        var query = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 503), key: "SomeoneElsesKey-0123456789");

        var answer = await shop.PostbackAsync(query, DemoShopClient.SignatureHeader(query, DateTimeOffset.UtcNow));

        answer.Status.ShouldBe(HttpStatusCode.Forbidden);
        answer.Body.Trim().ShouldNotBe("OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("0 credits");
    }

    [Fact]
    public async Task Postback_with_a_changed_amount_is_refused()
    {
        var startOrder = await shop.BuyAsync(100);
        var query = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 504)).Replace("priceAmount=9.99", "priceAmount=0.01", StringComparison.Ordinal);

        var answer = await shop.PostbackAsync(query, DemoShopClient.SignatureHeader(query, DateTimeOffset.UtcNow));

        answer.Status.ShouldBe(HttpStatusCode.Forbidden);
        (await shop.ShopPageAsync()).Balance.ShouldBe("0 credits");
    }

    public static TheoryData<string, int> BadHeaders => new()
    {
        { "missing", 0 },
        { "another key", 0 },
        { "10 minutes old", -600 },
        { "10 minutes ahead", 600 },
        { "v1 of another query", 0 },
        { "garbled", 0 },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Postback_without_a_fresh_matching_X_OneClick_Signature_is_refused(string kind, int secondsFromNow)
    {
        var startOrder = await shop.BuyAsync(100);
        var query = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 505));
        var at = DateTimeOffset.UtcNow.AddSeconds(secondsFromNow);
        var header = kind switch
        {
            "missing" => null,
            "another key" => DemoShopClient.SignatureHeader(query, at, key: "SomeoneElsesKey-0123456789"),
            "v1 of another query" => DemoShopClient.SignatureHeader(query + "&x=1", at),
            "garbled" => "t=abc,v1=xyz",
            _ => DemoShopClient.SignatureHeader(query, at),
        };

        var answer = await shop.PostbackAsync(query, header);

        answer.Status.ShouldBe(HttpStatusCode.Forbidden, kind);
        answer.Body.Trim().ShouldNotBe("OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("0 credits");
    }

    [Fact]
    public async Task Postback_for_a_purchase_the_shop_never_made_is_not_acknowledged()
    {
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 506);
        okData["referenceID"] = "ds-unknown";

        var answer = await shop.SignedPostbackAsync(okData);

        answer.Status.ShouldBe(HttpStatusCode.NotFound);
        (await shop.ShopPageAsync()).Balance.ShouldBe("0 credits");
    }

    [Fact]
    public async Task Credit_event_takes_the_purchase_credits_back_once()
    {
        var first = await shop.BuyAsync(100);
        var second = await shop.BuyAsync(500);
        (await shop.SignedPostbackAsync(DemoShopClient.OkData(first, saleId: 601))).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(DemoShopClient.OkData(second, saleId: 602))).Body.ShouldBe("OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("600 credits");

        var refund = DemoShopClient.OkData(first, saleId: 601);
        refund["event"] = "credit";
        (await shop.SignedPostbackAsync(refund)).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(refund)).Body.ShouldBe("OK");

        var page = await shop.ShopPageAsync();
        page.Balance.ShouldBe("500 credits");
        page.Purchases.Single(r => r[3] == "601")[4].ShouldBe("Refunded");
        page.Purchases.Single(r => r[3] == "602")[4].ShouldBe("Paid");
        // The sale postback repeated after the refund credits nothing again.
        (await shop.SignedPostbackAsync(DemoShopClient.OkData(first, saleId: 601))).Body.ShouldBe("OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("500 credits");
    }

    [Fact]
    public async Task Refund_of_a_sale_whose_postback_never_got_through_closes_the_purchase()
    {
        var startOrder = await shop.BuyAsync(100);
        var refund = DemoShopClient.OkData(startOrder, saleId: 701);
        refund["event"] = "credit";

        (await shop.SignedPostbackAsync(refund)).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(DemoShopClient.OkData(startOrder, saleId: 701))).Body.ShouldBe("OK");

        var page = await shop.ShopPageAsync();
        page.Balance.ShouldBe("0 credits");
        page.Purchases.ShouldHaveSingleItem()[4].ShouldBe("Refunded");
    }

    [Fact]
    public async Task Return_page_waits_for_the_postback_then_shows_the_balance()
    {
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 801);
        var returnUrl = "/return?" + DemoShopClient.SignedQuery(okData);

        var before = await shop.VisitAsync(returnUrl);
        before.Status.ShouldBe(HttpStatusCode.OK);
        before.Html.ShouldContain("Payment received, your credits arrive in a moment.");
        before.Html.ShouldContain("<meta http-equiv=\"refresh\" content=\"2\">");

        (await shop.SignedPostbackAsync(okData)).Body.ShouldBe("OK");
        var after = await shop.VisitAsync(returnUrl);
        after.Html.ShouldContain("<strong id=\"balance\">100 credits</strong>");
        after.Html.ShouldNotContain("http-equiv=\"refresh\"");
    }

    [Fact]
    public async Task Return_or_decline_with_a_bad_signature_says_so_and_credits_nothing()
    {
        var startOrder = await shop.BuyAsync(100);
        var forged = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 802), key: "SomeoneElsesKey-0123456789");

        var back = await shop.VisitAsync("/return?" + forged);
        var declined = await shop.VisitAsync("/declined?" + forged);

        back.Status.ShouldBe(HttpStatusCode.Forbidden);
        back.Html.ShouldContain("Signature does not match");
        declined.Status.ShouldBe(HttpStatusCode.Forbidden);
        var page = await shop.ShopPageAsync();
        page.Balance.ShouldBe("0 credits");
        page.Purchases.ShouldHaveSingleItem()[4].ShouldBe("Waiting for payment");
    }

    [Fact]
    public async Task Decline_page_shows_the_decline_and_marks_the_purchase()
    {
        var startOrder = await shop.BuyAsync(100);
        var decline = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["shopID"] = startOrder["shopID"],
            ["referenceID"] = startOrder["referenceID"],
            ["saleID"] = "803",
            ["saleResult"] = "DECLINED",
        };

        var page = await shop.VisitAsync("/declined?" + DemoShopClient.SignedQuery(decline));

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldContain("<h1>Payment declined</h1>");
        (await shop.ShopPageAsync()).Purchases.ShouldHaveSingleItem()[4].ShouldBe("Declined");
    }

    [Fact]
    public async Task Balance_and_booked_sales_survive_a_restart()
    {
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 901);
        (await shop.SignedPostbackAsync(okData)).Body.ShouldBe("OK");
        shop.KeepDataDirectory = true;
        await shop.DisposeAsync();

        shop = await DemoShopClient.StartAsync(shop.DataDirectory);
        shop.ActAs(startOrder["custom1"]);

        (await shop.SignedPostbackAsync(okData)).Body.ShouldBe("OK");
        (await shop.ShopPageAsync()).Balance.ShouldBe("100 credits");
    }

    [Fact]
    public async Task Health_answers_200_and_pages_carry_a_strict_policy()
    {
        var health = await shop.VisitAsync("/health");
        health.Status.ShouldBe(HttpStatusCode.OK);

        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(shop.Server.Url + "/"));
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'; style-src 'self'");
    }
}
