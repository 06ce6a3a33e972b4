using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Features.Wallets.Commands;

namespace OneClick.Tests.Web.Features.Wallets;

/// <summary>docs/protocol.md section 4, rules 1-4: remembered cards and single-use oneClickTokens.</summary>
public sealed class OneClickTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public OneClickTests() =>
        gateway.Set("OneClick:Seed:OneClickEnabled", "true").Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl);

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Order_page_offers_to_remember_the_card_checked_by_default()
    {
        var page = await Buyer.Of(gateway).StartAsync(Merchant.Purchase());

        var box = page.Document.QuerySelector("input[type=checkbox]#card-remember").ShouldNotBeNull();
        box.HasAttribute("checked").ShouldBeTrue();
        page.Document.QuerySelector("label[for=card-remember]")!.TextContent.ShouldBe("Remember my card for future purchases");
    }

    [Fact]
    public async Task Approved_sale_with_remember_saves_the_card_encrypted_and_issues_a_token_everywhere()
    {
        var buyer = Buyer.Of(gateway);

        var (saleId, token) = await FirstPurchaseAsync(buyer);

        token.Length.ShouldBeGreaterThanOrEqualTo(22); // at least 128 bits
        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        card.Display.ShouldBe("Visa •••• 4242");
        card.Confirmed.ShouldBeTrue();
        System.Text.Encoding.Latin1.GetString(card.EncryptedPan).ShouldNotContain("4242424242424242");
        var stored = await gateway.WithDbAsync(db => db.OneClickTokens.SingleAsync());
        stored.TokenHash.ShouldNotBe(token);
        stored.TokenHash.ShouldBe(OneClick.Core.Cards.CardVault.HashToken(token));
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the postback is sent");
        var postback = merchant.Postbacks.Single();
        Merchant.VerifiedQuery(postback.Url.ToString())["oneClickToken"].ShouldBe(token);
        OneClick.Core.Postbacks.PostbackSignature.Verify(postback.Signature, GatewayFactory.SignatureKey, postback.Url.Query, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        (await StatusAsync(saleId)).ShouldContain($"oneClickToken: {token}");
        (await gateway.WithDbAsync(db => db.PostbackDeliveries.SingleAsync())).Url.ShouldNotContain(token);
    }

    [Fact]
    public async Task Remembered_card_cookie_is_httponly_and_samesite_lax()
    {
        var client = gateway.CreatePlainClient();
        var buyer = new Buyer(client);
        var page = await buyer.StartAsync(Merchant.Purchase());
        var button = page.Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await client.PostAsync(page.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "pay",
            ["__RequestVerificationToken"] = button,
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
            ["Card.Remember"] = "True",
        }));

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(BrowserWallets.CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=lax", Case.Insensitive);
    }

    [Fact]
    public async Task Remembered_card_cookie_is_secure_outside_development()
    {
        using var production = new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true").Set("OneClick:SecureCookies", null);
        var client = production.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var page = await new Buyer(client).StartAsync(Merchant.Purchase());
        var token = page.Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var response = await client.PostAsync(page.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "pay",
            ["__RequestVerificationToken"] = token,
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
            ["Card.Remember"] = "True",
        }));

        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(BrowserWallets.CookieName + "=", StringComparison.Ordinal))
            .ShouldContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task Unknown_token_gets_the_order_page_and_charges_nothing()
    {
        var buyer = Buyer.Of(gateway);

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        page.Heading.ShouldBe("Pay by card");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Shop_without_one_click_ignores_tokens_and_the_remember_offer()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).SetOneClick(false);
            return await db.SaveChangesAsync();
        });

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(), token));
        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("#card-remember").ShouldBeNull();
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Active);
        var paid = await buyer.PayAsync(page, "5555 5555 5555 4444", remember: true);

        Merchant.ParseQuery(new Uri(paid.RefreshTarget!).Query).ShouldNotContainKey("oneClickToken");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Unticked_remember_saves_no_card_and_issues_no_token()
    {
        var buyer = Buyer.Of(gateway);

        var result = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: false);

        result.Heading.ShouldBe("Payment approved");
        Merchant.ParseQuery(new Uri(result.RefreshTarget!).Query).ShouldNotContainKey("oneClickToken");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Instant_one_click_with_a_valid_token_charges_at_once_with_no_input()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);

        var result = await buyer.StartAsync(WithToken(Merchant.Purchase("19.99"), token));

        result.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(result.RefreshTarget!);
        ok["priceAmount"].ShouldBe("19.99");
        ok["oneClickToken"].ShouldNotBe(token); // a fresh token with every approved sale
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == long.Parse(ok["saleID"], System.Globalization.CultureInfo.InvariantCulture)));
        sale.InstantOneClick.ShouldBeTrue();
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Used);
    }

    [Fact]
    public async Task Approval_page_reopened_shows_no_token_and_signs_its_ok_data_without_it()
    {
        var buyer = Buyer.Of(gateway);
        var (_, first) = await FirstPurchaseAsync(buyer);
        var instant = await buyer.StartAsync(WithToken(Merchant.Purchase("19.99"), first));
        var token = Merchant.VerifiedQuery(instant.RefreshTarget!)["oneClickToken"];

        // The order page's link, reopened by the buyer or by anyone else who has it.
        foreach (var reader in new[] { buyer, Buyer.Of(gateway) })
        {
            var reopened = await reader.GetAsync($"/order/{instant.OrderId}");

            reopened.Heading.ShouldBe("Payment approved");
            reopened.Html.ShouldNotContain(token);
            var ok = Merchant.VerifiedQuery(reopened.RefreshTarget!);
            ok.ShouldNotContainKey("oneClickToken");
            ok["priceAmount"].ShouldBe("19.99");
            reopened.LinkHref("Continue").ShouldBe(reopened.RefreshTarget);
        }
    }

    [Fact]
    public async Task Instant_one_click_records_its_sale_on_the_spent_token()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);

        var result = await buyer.StartAsync(WithToken(Merchant.Purchase("19.99"), token));

        var saleId = long.Parse(Merchant.VerifiedQuery(result.RefreshTarget!)["saleID"], System.Globalization.CultureInfo.InvariantCulture);
        var hash = OneClick.Core.Cards.CardVault.HashToken(token);
        var spent = await gateway.WithDbAsync(db => db.OneClickTokens.SingleAsync(t => t.TokenHash == hash));
        spent.State.ShouldBe(OneClickTokenState.Used);
        spent.UsedBySaleId.ShouldBe(saleId);
    }

    [Fact]
    public async Task Used_token_falls_back_to_the_order_page_where_the_remembered_card_needs_only_its_cvc()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);
        await buyer.StartAsync(WithToken(Merchant.Purchase(), token));

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase("5.00"), token));

        page.Document.QuerySelector("fieldset legend")!.TextContent.ShouldBe("Saved card");
        page.Document.QuerySelectorAll("fieldset label").Select(l => l.TextContent).ShouldBe(["Visa •••• 4242"]);
        page.Document.QuerySelector("input#card-number").ShouldBeNull();
        page.LinkHref("Use a new card").ShouldNotBeNull();
        var paid = await buyer.PaySavedAsync(page, cvc: "321");
        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!)["oneClickToken"].ShouldNotBe(token);
    }

    [Fact]
    public async Task Saved_card_with_a_wrong_cvc_is_declined_and_stays_offered()
    {
        var buyer = Buyer.Of(gateway);
        await FirstPurchaseAsync(buyer);

        var page = await buyer.StartAsync(Merchant.Purchase());
        var declined = await buyer.PaySavedAsync(page, cvc: "000");

        // A mistyped CVC says nothing against the card: it counts towards the lock instead (rule 6 is for the card's own declines).
        declined.Heading.ShouldBe("Payment declined");
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).Confirmed.ShouldBeTrue();
        var next = await buyer.StartAsync(Merchant.Purchase());
        next.Document.QuerySelector("fieldset legend")?.TextContent.ShouldBe("Saved card");
    }

    [Fact]
    public async Task Token_from_another_browser_gets_the_full_order_page()
    {
        var (_, token) = await FirstPurchaseAsync(Buyer.Of(gateway));
        var otherBrowser = Buyer.Of(gateway);

        var page = await otherBrowser.StartAsync(WithToken(Merchant.Purchase(), token));

        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("fieldset").ShouldBeNull();
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Active);
    }

    [Fact]
    public async Task Token_for_another_shop_is_not_charged()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);
        const string otherKey = "OtherShopKey-0123456789abcdef";
        var otherShop = await gateway.AddShopAsync(70010, otherKey, postbackUrl: null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == otherShop)).SetOneClick(true);
            return await db.SaveChangesAsync();
        });

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(shopId: otherShop), token), otherKey);

        page.Heading.ShouldBe("Pay by card");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.ShopId == otherShop))).ShouldBe(0);
    }

    [Fact]
    public async Task Token_expires_30_days_after_issue()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer);

        gateway.Clock.Advance(TimeSpan.FromDays(30));
        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(), token));

        page.Heading.ShouldBe("Pay with your saved card"); // no instant charge; the remembered card asks for its CVC
        (await gateway.RunJobAsync<ExpireTokensOutcome>("token-expiry")).Expired.ShouldBe(1);
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Expired);
    }

    [Fact]
    public async Task Declined_one_click_invalidates_the_token_and_asks_for_full_entry_next_time()
    {
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer, "4000 0000 0000 0341"); // approved first, declined as a stored card later

        var declined = await buyer.StartAsync(WithToken(Merchant.Purchase(), token));

        declined.Heading.ShouldBe("Payment declined");
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Used);
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).Confirmed.ShouldBeFalse();
        var next = await buyer.StartAsync(Merchant.Purchase());
        next.Heading.ShouldBe("Pay by card");
    }

    [Fact]
    public async Task One_click_with_a_3ds_card_shows_the_challenge()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), "4000 0027 6000 3184");
        var approved = await buyer.SubmitAsync(first, "Complete authentication");
        var token = Merchant.ParseQuery(new Uri(approved.RefreshTarget!).Query)["oneClickToken"];

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(), token));

        page.Heading.ShouldBe("Authentication required");
        (await buyer.SubmitAsync(page, "Complete authentication")).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Same_token_fired_concurrently_at_a_real_server_is_charged_once()
    {
        var address = gateway.StartOnKestrel();
        var cookies = new CookieContainer();
        Buyer NewBuyer() => new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = address });
        var (_, token) = await FirstPurchaseAsync(NewBuyer());
        var url = Merchant.StartOrderUrl(WithToken(Merchant.Purchase("1.00"), token));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => NewBuyer().Client.GetAsync(url)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.SeeOther);
        // The losers fall back to their own order pages, each still open for the buyer.
        responses.Select(r => r.Headers.Location!.ToString()).ShouldAllBe(l => l.StartsWith("/order/", StringComparison.Ordinal) && !l.Contains("/declined/", StringComparison.Ordinal));
        (await gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.Amount == 1.00m && o.State == OneClick.Core.Orders.OrderState.Open))).ShouldBe(199);
        var instant = await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.InstantOneClick));
        instant.ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 1.00m))).ShouldBe(1);
    }

    [Fact]
    public async Task Same_referenceID_fired_concurrently_with_valid_tokens_of_several_browsers_is_paid_once_and_spends_one_token()
    {
        var address = gateway.StartOnKestrel();
        var browsers = new List<(Buyer Buyer, string Token)>();
        for (var i = 0; i < 8; i++)
        {
            var buyer = new Buyer(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = address });
            browsers.Add((buyer, (await FirstPurchaseAsync(buyer)).Token));
        }

        var responses = await Task.WhenAll(browsers.Select(b =>
        {
            var parameters = WithToken(Merchant.Purchase("3.00"), b.Token);
            parameters["referenceID"] = "one-purchase-8-browsers";
            return b.Buyer.Client.GetAsync(Merchant.StartOrderUrl(parameters));
        }));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.SeeOther);
        (await gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.ReferenceId == "one-purchase-8-browsers"))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 3.00m))).ShouldBe(1);
        // The losers' tokens were rolled back with their orders: still theirs to use.
        var states = await Task.WhenAll(browsers.Select(b => TokenStateAsync(b.Token)));
        states.Count(state => state == OneClickTokenState.Used).ShouldBe(1);
        states.Count(state => state == OneClickTokenState.Active).ShouldBe(7);
    }

    private static Dictionary<string, string> WithToken(Dictionary<string, string> parameters, string token)
    {
        parameters["oneClickToken"] = token;
        return parameters;
    }

    private static async Task<(long SaleId, string Token)> FirstPurchaseAsync(Buyer buyer, string card = Buyer.Visa)
    {
        var result = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), card);
        result.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(result.RefreshTarget!);
        return (long.Parse(ok["saleID"], System.Globalization.CultureInfo.InvariantCulture), ok["oneClickToken"]);
    }

    private Task<OneClickTokenState> TokenStateAsync(string token)
    {
        var hash = OneClick.Core.Cards.CardVault.HashToken(token);
        return gateway.WithDbAsync(db => db.OneClickTokens.Where(t => t.TokenHash == hash).Select(t => t.State).SingleAsync());
    }

    private async Task<string> StatusAsync(long saleId)
    {
        var parameters = new Dictionary<string, string>
        {
            ["shopID"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["version"] = "3.4",
            ["saleID"] = saleId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var signed = Merchant.Sign(parameters);
        var response = await gateway.CreatePlainClient().GetAsync("/salestatus?" + string.Join('&', signed.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
        return await response.Content.ReadAsStringAsync();
    }
}
