using System.Net;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;
using OneClick.Web.Features.SaleStatus;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// The demo shop's One Click (docs/protocol.md section 4 rules 2-4, sections 5 and 6): it keeps each
/// user's newest oneClickToken, ordered by saleID whatever order the gateway's answers arrive in,
/// sends it once with "buy again with one click", and after a decline asks the status page.
/// </summary>
public sealed class OneClickTokenTests : IAsyncLifetime, IDisposable
{
    private readonly FakeStatusPage statusPage = new();
    private DemoShopClient shop = default!;

    public async Task InitializeAsync() => shop = await DemoShopClient.StartAsync(gatewayUrl: statusPage.BaseUrl);

    public async Task DisposeAsync() => await shop.DisposeAsync();

    public void Dispose() => statusPage.Dispose();

    [Fact]
    public async Task No_token_no_one_click_offer()
    {
        await shop.BuyAsync(100);

        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
        // Opened by hand, the link is a plain purchase: the gateway shows its order page.
        (await shop.BuyWithOneClickAsync(100)).ShouldNotContainKey("oneClickToken");
    }

    [Fact]
    public async Task Postback_token_is_offered_per_package_and_sent_once_unsigned_with_the_same_startorder()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1001), "tok-1001"))).Body.ShouldBe("OK");

        (await shop.OneClickLinksAsync()).ShouldBe(
            ["Buy 100 credits again with one click", "Buy 500 credits again with one click", "Buy 1000 credits again with one click"]);
        var again = await shop.BuyWithOneClickAsync(500);

        again["oneClickToken"].ShouldBe("tok-1001");
        again["version"].ShouldBe("3.4");
        again["priceAmount"].ShouldBe("39.99");
        again["custom1"].ShouldBe(first["custom1"]);
        again["customerNumber"].ShouldBe(first["custom1"]);
        again["referenceID"].ShouldNotBe(first["referenceID"]);
        // Signed as "Buy" is: the token is left out of the signature (section 2).
        FlexPaySignature.VerifyRequest(again["signature"], [DemoShopClient.SignatureKey], again, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
        again.Remove("oneClickToken");
        FlexPaySignature.VerifyRequest(again["signature"], [DemoShopClient.SignatureKey], again, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
        // Single use: the shop forgets it until the next one arrives.
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
        (await shop.BuyWithOneClickAsync(100)).ShouldNotContainKey("oneClickToken");
    }

    [Fact]
    public async Task Newest_sale_wins_whatever_order_the_postbacks_arrive_in()
    {
        var older = await shop.BuyAsync(100);
        var newer = await shop.BuyAsync(100);
        var olderOk = WithToken(DemoShopClient.OkData(older, saleId: 1101), "tok-1101");
        var newerOk = WithToken(DemoShopClient.OkData(newer, saleId: 1102), "tok-1102");

        // The newer sale's postback first (and again), the older one late, twice.
        (await shop.SignedPostbackAsync(newerOk)).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(newerOk)).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(olderOk)).Body.ShouldBe("OK");
        (await shop.SignedPostbackAsync(olderOk)).Body.ShouldBe("OK");

        (await shop.ShopPageAsync()).Balance.ShouldBe("200 credits");
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1102");
    }

    [Fact]
    public async Task A_newer_sale_replaces_the_token_and_a_repeated_postback_never_brings_a_used_token_back()
    {
        var first = await shop.BuyAsync(100);
        var firstOk = WithToken(DemoShopClient.OkData(first, saleId: 1201), "tok-1201");
        (await shop.SignedPostbackAsync(firstOk)).Body.ShouldBe("OK");
        var second = await shop.BuyWithOneClickAsync(100);
        second["oneClickToken"].ShouldBe("tok-1201");

        // The used token's sale repeats its postback: still spent.
        (await shop.SignedPostbackAsync(firstOk)).Body.ShouldBe("OK");
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();

        // The one-click sale brings a new token; its repeats change nothing once it is used.
        var secondOk = WithToken(DemoShopClient.OkData(second, saleId: 1202), "tok-1202");
        (await shop.SignedPostbackAsync(secondOk)).Body.ShouldBe("OK");
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1202");
        (await shop.SignedPostbackAsync(secondOk)).Body.ShouldBe("OK");
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
        (await shop.ShopPageAsync()).Balance.ShouldBe("200 credits");
    }

    [Fact]
    public async Task Ten_concurrent_one_click_purchases_send_the_token_once()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1251), "tok-1251"))).Body.ShouldBe("OK");

        var started = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => shop.BuyWithOneClickAsync(100)));

        started.Count(s => s.ContainsKey("oneClickToken")).ShouldBe(1);
    }

    [Fact]
    public async Task Return_OK_data_gives_the_token_before_the_postback_and_the_postback_of_the_same_sale_wins()
    {
        var startOrder = await shop.BuyAsync(100);
        var okData = DemoShopClient.OkData(startOrder, saleId: 1301);

        // The token is covered by the signature, as the gateway sends it (every field is signed).
        var back = await shop.VisitAsync("/return?" + DemoShopClient.SignedQuery(WithToken(okData, "tok-from-browser")));
        back.Status.ShouldBe(HttpStatusCode.OK);
        (await shop.OneClickLinksAsync()).ShouldNotBeEmpty();

        (await shop.SignedPostbackAsync(WithToken(okData, "tok-1301"))).Body.ShouldBe("OK");
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1301");
    }

    [Fact]
    public async Task Return_of_an_older_sale_does_not_replace_a_newer_token()
    {
        var older = await shop.BuyAsync(100);
        var newer = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(newer, saleId: 1402), "tok-1402"))).Body.ShouldBe("OK");

        // The buyer opens an old return page again from the browser's history.
        await shop.VisitAsync("/return?" + DemoShopClient.SignedQuery(WithToken(DemoShopClient.OkData(older, saleId: 1401), "tok-1401")));

        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1402");
    }

    [Fact]
    public async Task Return_with_a_bad_signature_keeps_no_token()
    {
        var startOrder = await shop.BuyAsync(100);
        var forged = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 1451), key: "SomeoneElsesKey-0123456789");

        (await shop.VisitAsync("/return?" + forged + "&oneClickToken=tok-forged")).Status.ShouldBe(HttpStatusCode.Forbidden);

        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Return_with_a_token_added_after_signing_keeps_no_token()
    {
        var startOrder = await shop.BuyAsync(100);
        var signed = DemoShopClient.SignedQuery(DemoShopClient.OkData(startOrder, saleId: 1461));

        (await shop.VisitAsync("/return?" + signed + "&oneClickToken=tok-slipped-in")).Status.ShouldBe(HttpStatusCode.Forbidden);

        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Decline_clears_the_token_and_keeps_the_one_the_status_page_reports()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1501), "tok-1501"))).Body.ShouldBe("OK");
        var declined = await shop.BuyAsync(500);
        statusPage.Declined(1502, oneClickToken: "tok-still-active");

        var page = await shop.VisitAsync("/declined?" + DemoShopClient.SignedQuery(Decline(declined, saleId: 1502)));

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldContain("<h1>Payment declined</h1>");
        var asked = statusPage.Requests.ShouldHaveSingleItem();
        asked["shopID"].ShouldBe("64233");
        asked["version"].ShouldBe("3.4");
        asked["saleID"].ShouldBe("1502");
        FlexPaySignature.VerifyRequest(asked["signature"], [DemoShopClient.SignatureKey], asked, SaleStatusParser.Names, allowSha1: false).ShouldBeTrue();
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-still-active");
        // The late repeat of the sale before the decline does not bring its token back.
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1501), "tok-1501"))).Body.ShouldBe("OK");
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Declined_one_click_sale_leaves_no_token_when_the_status_page_reports_none()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1601), "tok-1601"))).Body.ShouldBe("OK");
        // A newer token arrives after the one-click purchase is sent (say, from another tab's sale)...
        var oneClick = await shop.BuyWithOneClickAsync(100);
        var other = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(other, saleId: 1602), "tok-1602"))).Body.ShouldBe("OK");
        // ...and the declined one-click sale, newer still, spent the card's token at the gateway.
        statusPage.Declined(1603, oneClickToken: null);

        await shop.VisitAsync("/declined?" + DemoShopClient.SignedQuery(Decline(oneClick, saleId: 1603)));

        statusPage.Requests.ShouldHaveSingleItem()["saleID"].ShouldBe("1603");
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Decline_of_an_older_sale_opened_again_keeps_the_newer_token()
    {
        var older = await shop.BuyAsync(100);
        var newer = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(newer, saleId: 1702), "tok-1702"))).Body.ShouldBe("OK");

        await shop.VisitAsync("/declined?" + DemoShopClient.SignedQuery(Decline(older, saleId: 1701)));

        statusPage.Requests.ShouldBeEmpty();
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1702");
    }

    [Fact]
    public async Task Decline_clears_the_token_even_when_the_status_page_cannot_be_reached()
    {
        await using var unreachable = await DemoShopClient.StartAsync(gatewayUrl: $"http://127.0.0.1:{Infrastructure.LoopbackPort.Free()}");
        var first = await unreachable.BuyAsync(100);
        (await unreachable.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1801), "tok-1801"))).Body.ShouldBe("OK");
        var declined = await unreachable.BuyAsync(100);

        var page = await unreachable.VisitAsync("/declined?" + DemoShopClient.SignedQuery(Decline(declined, saleId: 1802)));

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldContain("<h1>Payment declined</h1>");
        (await unreachable.OneClickLinksAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Decline_signed_with_another_key_changes_no_token()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 1901), "tok-1901"))).Body.ShouldBe("OK");
        var declined = await shop.BuyAsync(100);

        var page = await shop.VisitAsync("/declined?" + DemoShopClient.SignedQuery(Decline(declined, saleId: 1902), key: "SomeoneElsesKey-0123456789"));

        page.Status.ShouldBe(HttpStatusCode.Forbidden);
        statusPage.Requests.ShouldBeEmpty();
        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-1901");
    }

    [Fact]
    public async Task Another_browser_becomes_the_same_user_with_the_switch_link_and_shares_the_token()
    {
        var first = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(first, saleId: 2001), "tok-2001"))).Body.ShouldBe("OK");
        await using var other = shop.OtherBrowser();
        (await other.CurrentUserAsync()).ShouldNotBe(first["custom1"]);

        var switched = await other.VisitAsync("/?user=" + first["custom1"]);

        switched.Status.ShouldBe(HttpStatusCode.Redirect);
        (await other.CurrentUserAsync()).ShouldBe(first["custom1"]);
        (await other.ShopPageAsync()).Balance.ShouldBe("100 credits");
        (await other.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-2001");
        (await shop.OneClickLinksAsync()).ShouldBeEmpty();
        (await other.VisitAsync("/?user=not-a-user")).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Token_survives_a_restart()
    {
        var startOrder = await shop.BuyAsync(100);
        (await shop.SignedPostbackAsync(WithToken(DemoShopClient.OkData(startOrder, saleId: 2101), "tok-2101"))).Body.ShouldBe("OK");
        shop.KeepDataDirectory = true;
        await shop.DisposeAsync();

        shop = await DemoShopClient.StartAsync(shop.DataDirectory, statusPage.BaseUrl);
        shop.ActAs(startOrder["custom1"]);

        (await shop.BuyWithOneClickAsync(100))["oneClickToken"].ShouldBe("tok-2101");
    }

    private static Dictionary<string, string> WithToken(Dictionary<string, string> okData, string token) =>
        new(okData, StringComparer.Ordinal) { ["oneClickToken"] = token };

    /// <summary>What the gateway sends to the decline URL (section 4 rule 11).</summary>
    private static Dictionary<string, string> Decline(Dictionary<string, string> startOrder, long saleId) => new(StringComparer.Ordinal)
    {
        ["shopID"] = startOrder["shopID"],
        ["referenceID"] = startOrder["referenceID"],
        ["saleID"] = saleId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["saleResult"] = "DECLINED",
    };
}
