using OneClick.Core.Shops;

namespace OneClick.Tests.Core.Shops;

/// <summary>The shop settings the back-office changes: name, website, currencies, and the One Click request.</summary>
public class ShopBackOfficeSettingsTests
{
    private static Shop NewShop() => CoreTestData.NewShop();

    [Fact]
    public void SetCurrencies_keeps_the_gateway_order_and_drops_duplicates()
    {
        var shop = NewShop();

        shop.SetCurrencies(["SEK", "EUR", "EUR"]);

        shop.Currencies.ShouldBe(["EUR", "SEK"]);
        shop.AcceptsCurrency("USD").ShouldBeFalse();
    }

    [Fact]
    public void SetCurrencies_refuses_none_and_unknown_codes()
    {
        var shop = NewShop();

        Should.Throw<ArgumentException>(() => shop.SetCurrencies([]));
        Should.Throw<ArgumentException>(() => shop.SetCurrencies(["EUR", "XYZ"])).Message.ShouldContain("XYZ");
        shop.Currencies.ShouldBe(Shop.DefaultCurrencies);
    }

    [Fact]
    public void SetCurrencies_drops_the_limit_of_a_currency_no_longer_accepted()
    {
        var shop = NewShop();
        shop.SetTurnoverLimit("USD", 100m, null);
        shop.SetTurnoverLimit("EUR", 50m, null);

        shop.SetCurrencies(["EUR"]);

        shop.TurnoverLimitFor("USD").ShouldBeNull();
        shop.TurnoverLimitFor("EUR")!.PerDay.ShouldBe(50m);
    }

    [Fact]
    public void Rename_trims_and_refuses_blank_or_too_long_names()
    {
        var shop = NewShop();

        shop.Rename("  New name ");

        shop.Name.ShouldBe("New name");
        Should.Throw<ArgumentException>(() => shop.Rename(" "));
        Should.Throw<ArgumentException>(() => shop.Rename(new string('x', Shop.MaxNameLength + 1)));
        shop.Name.ShouldBe("New name");
    }

    [Fact]
    public void SetWebsiteUrl_takes_only_absolute_http_urls()
    {
        var shop = NewShop();

        shop.SetWebsiteUrl(new Uri("https://new.example/home"));

        shop.WebsiteUrl.ShouldBe("https://new.example/home");
        Should.Throw<ArgumentException>(() => shop.SetWebsiteUrl(new Uri("ftp://new.example/")));
    }

    [Fact]
    public void New_shop_has_not_requested_one_click()
    {
        var shop = NewShop();

        shop.OneClickRequest.ShouldBe(OneClickRequest.None);
        shop.OneClickStatus.ShouldBe(OneClickStatus.NotRequested);
    }

    [Fact]
    public void RequestOneClick_then_ApproveOneClick_switches_one_click_on()
    {
        var shop = NewShop();

        shop.RequestOneClick();
        shop.OneClickStatus.ShouldBe(OneClickStatus.Requested);
        shop.OneClickEnabled.ShouldBeFalse();
        shop.ApproveOneClick();

        shop.OneClickEnabled.ShouldBeTrue();
        shop.OneClickRequest.ShouldBe(OneClickRequest.Approved);
        shop.OneClickStatus.ShouldBe(OneClickStatus.On);
    }

    [Fact]
    public void RefuseOneClick_keeps_it_off_and_the_merchant_may_ask_again()
    {
        var shop = NewShop();
        shop.RequestOneClick();

        shop.RefuseOneClick();

        shop.OneClickEnabled.ShouldBeFalse();
        shop.OneClickStatus.ShouldBe(OneClickStatus.Refused);
        shop.RequestOneClick();
        shop.OneClickStatus.ShouldBe(OneClickStatus.Requested);
    }

    [Fact]
    public void RequestOneClick_is_refused_while_pending_or_on()
    {
        var pending = NewShop();
        pending.RequestOneClick();
        var on = NewShop();
        on.SetOneClick(true);

        Should.Throw<InvalidOperationException>(pending.RequestOneClick);
        Should.Throw<InvalidOperationException>(on.RequestOneClick);
    }

    [Fact]
    public void Approve_or_refuse_without_a_pending_request_is_refused()
    {
        var shop = NewShop();

        Should.Throw<InvalidOperationException>(shop.ApproveOneClick);
        Should.Throw<InvalidOperationException>(shop.RefuseOneClick);
        shop.OneClickEnabled.ShouldBeFalse();
    }

    [Fact]
    public void SetOneClick_on_answers_a_pending_request()
    {
        var shop = NewShop();
        shop.RequestOneClick();

        shop.SetOneClick(true);

        shop.OneClickRequest.ShouldBe(OneClickRequest.Approved);
        shop.OneClickStatus.ShouldBe(OneClickStatus.On);
    }
}
