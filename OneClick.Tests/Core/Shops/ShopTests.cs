using OneClick.Core.Shops;

namespace OneClick.Tests.Core.Shops;

public class ShopTests
{
    private const string KeyA = "aaaaaaaaaaaaaaaaaaaaaaaa";
    private const string KeyB = "bbbbbbbbbbbbbbbbbbbbbbbb";
    private const string KeyC = "cccccccccccccccccccccccc";
    private const string KeyD = "dddddddddddddddddddddddd";

    private static readonly DateTime T0 = CoreTestData.Now;
    private static readonly DateTime T1 = T0.AddDays(1);
    private static readonly DateTime T2 = T0.AddDays(2);
    private static readonly DateTime T3 = T0.AddDays(3);

    private static Shop NewShop(string website = "https://shop.example/") =>
        new(64233, 1, "Test", new Uri(website), DateTime.UtcNow);

    // ---- construction and settings ----

    [Fact]
    public void New_shop_has_safe_defaults()
    {
        var shop = NewShop();

        shop.Id.ShouldBe(64233);
        shop.MerchantId.ShouldBe(1);
        shop.Name.ShouldBe("Test");
        shop.WebsiteUrl.ShouldBe("https://shop.example/");
        shop.AllowedRedirectHosts.ShouldBe(["shop.example"]);
        shop.Currencies.ShouldBe(Shop.DefaultCurrencies);
        shop.IsActive.ShouldBeTrue();
        shop.AcceptLegacySha1.ShouldBeFalse();
        shop.OneClickEnabled.ShouldBeFalse();
        shop.SuccessUrl.ShouldBeNull();
        shop.DeclineUrl.ShouldBeNull();
        shop.PostbackUrl.ShouldBeNull();
        shop.SignatureKeys.ShouldBeEmpty();
        shop.ActiveKeys.ShouldBeEmpty();
    }

    [Fact]
    public void DefaultCurrencies_are_those_of_the_protocol()
    {
        Shop.DefaultCurrencies.ShouldBe(["USD", "EUR", "GBP", "AUD", "CAD", "CHF", "DKK", "NOK", "SEK"]);
    }

    [Fact]
    public void New_shops_do_not_share_their_currency_list()
    {
        var first = NewShop();
        var second = NewShop();

        first.Currencies.Remove("USD");

        second.Currencies.ShouldContain("USD");
        Shop.DefaultCurrencies.ShouldContain("USD");
    }

    [Fact]
    public void New_shop_allows_its_website_host_in_lower_case()
    {
        NewShop("https://WWW.Shop.Example/store").AllowedRedirectHosts.ShouldBe(["www.shop.example"]);
        NewShop("https://WWW.Shop.Example:8443/store").AllowedRedirectHosts.ShouldBe(["www.shop.example:8443"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void New_shop_with_non_positive_id_throws(int id)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Shop(id, 1, "Test", new Uri("https://shop.example/"), T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void New_shop_with_blank_name_throws(string name)
    {
        Should.Throw<ArgumentException>(() => new Shop(1, 1, name, new Uri("https://shop.example/"), T0));
    }

    [Theory]
    [InlineData("ftp://shop.example/")]
    [InlineData("file:///tmp/shop")]
    [InlineData("mailto:shop@shop.example")]
    public void New_shop_with_non_http_website_throws(string website)
    {
        Should.Throw<ArgumentException>(() => new Shop(1, 1, "Test", new Uri(website), T0));
    }

    [Fact]
    public void SetUrls_stores_http_urls_and_clears_with_null()
    {
        var shop = NewShop();

        shop.SetUrls(new Uri("https://shop.example/ok"), new Uri("https://shop.example/no"), new Uri("https://backend.example/postback"));

        shop.SuccessUrl.ShouldBe("https://shop.example/ok");
        shop.DeclineUrl.ShouldBe("https://shop.example/no");
        shop.PostbackUrl.ShouldBe("https://backend.example/postback");

        shop.SetUrls(null, null, null);

        shop.SuccessUrl.ShouldBeNull();
        shop.DeclineUrl.ShouldBeNull();
        shop.PostbackUrl.ShouldBeNull();
    }

    [Fact]
    public void SetUrls_with_non_http_url_throws()
    {
        Should.Throw<ArgumentException>(() => NewShop().SetUrls(new Uri("javascript:alert(1)"), null, null));
        Should.Throw<ArgumentException>(() => NewShop().SetUrls(null, new Uri("ftp://shop.example/"), null));
        Should.Throw<ArgumentException>(() => NewShop().SetUrls(null, null, new Uri("/postback", UriKind.Relative)));
    }

    [Fact]
    public void SetLegacySha1_and_SetOneClick_switch_on_and_off()
    {
        var shop = NewShop();

        shop.SetLegacySha1(true);
        shop.SetOneClick(true);
        shop.AcceptLegacySha1.ShouldBeTrue();
        shop.OneClickEnabled.ShouldBeTrue();

        shop.SetLegacySha1(false);
        shop.SetOneClick(false);
        shop.AcceptLegacySha1.ShouldBeFalse();
        shop.OneClickEnabled.ShouldBeFalse();
    }

    [Theory]
    [InlineData("USD", true)]
    [InlineData("SEK", true)]
    [InlineData("usd", false)]
    [InlineData("JPY", false)]
    [InlineData("", false)]
    public void AcceptsCurrency_is_ordinal(string currency, bool accepted)
    {
        NewShop().AcceptsCurrency(currency).ShouldBe(accepted);
    }

    // ---- redirect hosts ----

    [Theory]
    [InlineData("https://shop.example/")]
    [InlineData("http://shop.example/")]
    [InlineData("https://shop.example/thanks?x=1#y")]
    [InlineData("https://SHOP.EXAMPLE/")]
    [InlineData("https://Shop.Example:443/")]
    [InlineData("https://Shop.Example:8443/")]
    public void MayRedirectTo_allowed_host_is_true(string url)
    {
        NewShop().MayRedirectTo(new Uri(url)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("ftp://shop.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:text/html,hi")]
    [InlineData("https://shop.example@evil.com/")]
    [InlineData("https://user:pw@shop.example/")]
    [InlineData("https://user@shop.example/")]
    [InlineData("https://evil.com/")]
    [InlineData("https://shop.example.evil.com/")]
    [InlineData("https://evilshop.example/")]
    [InlineData("https://sub.shop.example/")]
    [InlineData("https://shop.example./")]
    [InlineData("https://shop.exampl/")]
    public void MayRedirectTo_other_url_is_false(string url)
    {
        NewShop().MayRedirectTo(new Uri(url)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:1/", true)]
    [InlineData("127.0.0.1", "http://127.0.0.1/", true)]
    [InlineData("127.0.0.1", "https://127.0.0.1/", true)]
    [InlineData("127.0.0.1:5555", "http://127.0.0.1:1/", false)]
    [InlineData("127.0.0.1:5555", "http://127.0.0.1/", false)]
    [InlineData("127.0.0.1:5555", "http://127.0.0.1:5555/ok", true)]
    [InlineData("127.0.0.1:5555", "https://127.0.0.1:5555/ok", true)]
    [InlineData("https://shop.example:8443", "https://shop.example:8443/ok", true)]
    [InlineData("https://shop.example:8443", "http://shop.example:8443/ok", false)]
    [InlineData("https://shop.example:8443", "https://shop.example/ok", false)]
    [InlineData("http://shop.example", "http://shop.example/ok", true)]
    [InlineData("http://shop.example", "https://shop.example/ok", false)]
    [InlineData("[::1]:5555", "http://[::1]:5555/", true)]
    [InlineData("[::1]:5555", "http://[::1]:1/", false)]
    public void MayRedirectTo_takes_a_host_at_any_port_and_an_origin_exactly(string allowed, string url, bool expected)
    {
        var shop = NewShop();
        shop.SetAllowedRedirectHosts([allowed]);

        shop.MayRedirectTo(new Uri(url)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(" 127.0.0.1:5555 ", "127.0.0.1:5555")]
    [InlineData("Shop.Example:08443", "shop.example:8443")]
    [InlineData("HTTPS://Shop.Example:8443/", "https://shop.example:8443")]
    [InlineData("https://shop.example", "https://shop.example:443")]
    [InlineData("[::1]", "::1")]
    [InlineData("[::1]:5555", "[::1]:5555")]
    public void SetAllowedRedirectHosts_keeps_hosts_ports_and_origins_in_one_form(string entry, string stored)
    {
        var shop = NewShop();

        shop.SetAllowedRedirectHosts([entry]);

        shop.AllowedRedirectHosts.ShouldBe([stored]);
    }

    [Fact]
    public void MayRedirectTo_relative_url_is_false()
    {
        NewShop().MayRedirectTo(new Uri("/thanks", UriKind.Relative)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("https://bücher.example/")]
    [InlineData("https://BÜCHER.example/a")]
    [InlineData("https://xn--bcher-kva.example/")]
    public void MayRedirectTo_idn_host_of_website_is_true_in_either_form(string url)
    {
        NewShop("https://bücher.example/").MayRedirectTo(new Uri(url)).ShouldBeTrue();
    }

    [Fact]
    public void MayRedirectTo_idn_look_alike_is_false()
    {
        // Cyrillic 'а' in place of the Latin 'a'.
        NewShop().MayRedirectTo(new Uri("https://shop.ex\u0430mple/")).ShouldBeFalse();
    }

    [Fact]
    public void MayRedirectTo_punycode_host_allowed_matches_unicode_url()
    {
        var shop = NewShop();
        shop.SetAllowedRedirectHosts(["xn--bcher-kva.example"]);

        shop.MayRedirectTo(new Uri("https://bücher.example/")).ShouldBeTrue();
    }

    [Fact]
    public void MayRedirectTo_unicode_host_allowed_matches()
    {
        var shop = NewShop();
        shop.SetAllowedRedirectHosts(["bücher.example"]);

        shop.MayRedirectTo(new Uri("https://bücher.example/")).ShouldBeTrue();
    }

    [Fact]
    public void SetAllowedRedirectHosts_trims_lowercases_deduplicates_and_drops_blanks()
    {
        var shop = NewShop();

        shop.SetAllowedRedirectHosts([" Shop.Example ", "shop.example", "", "  ", "PAY.shop.example"]);

        shop.AllowedRedirectHosts.ShouldBe(["shop.example", "pay.shop.example"]);
    }

    [Fact]
    public void SetAllowedRedirectHosts_replaces_the_list()
    {
        var shop = NewShop();

        shop.SetAllowedRedirectHosts(["pay.example"]);

        shop.MayRedirectTo(new Uri("https://pay.example/")).ShouldBeTrue();
        shop.MayRedirectTo(new Uri("https://shop.example/")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("evil.com/path")]
    [InlineData("https://shop.example/thanks")]
    [InlineData("ftp://shop.example")]
    [InlineData("https://user@shop.example")]
    [InlineData("a b")]
    [InlineData("shop.example:0")]
    [InlineData("shop.example:65536")]
    [InlineData("shop.example:x")]
    public void SetAllowedRedirectHosts_with_non_host_throws(string host)
    {
        var shop = NewShop();

        Should.Throw<ArgumentException>(() => shop.SetAllowedRedirectHosts(["ok.example", host]));

        shop.AllowedRedirectHosts.ShouldBe(["shop.example"]);
    }

    // ---- signature keys ----

    [Fact]
    public void SigningKey_without_keys_throws()
    {
        Should.Throw<InvalidOperationException>(() => NewShop().SigningKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("fifteen-chars!!")]
    public void AddSignatureKey_shorter_than_16_characters_throws(string secret)
    {
        var shop = NewShop();

        Should.Throw<ArgumentException>(() => shop.AddSignatureKey(secret, T0));

        shop.SignatureKeys.ShouldBeEmpty();
    }

    [Fact]
    public void AddSignatureKey_of_16_characters_signs()
    {
        var shop = NewShop();

        var key = shop.AddSignatureKey("sixteen-chars!!!", T0);

        key.Secret.ShouldBe("sixteen-chars!!!");
        key.CreatedAt.ShouldBe(T0);
        key.RetiredAt.ShouldBeNull();
        shop.SigningKey.ShouldBe("sixteen-chars!!!");
        shop.ActiveKeys.ShouldBe(["sixteen-chars!!!"]);
    }

    [Fact]
    public void Two_active_keys_both_verify_and_newest_signs()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);

        shop.ActiveKeys.ShouldBe([KeyA, KeyB], ignoreOrder: true);
        shop.SigningKey.ShouldBe(KeyB);
    }

    [Fact]
    public void SigningKey_is_the_newest_by_creation_time_not_by_insertion()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyB, T1);
        shop.AddSignatureKey(KeyA, T0);

        shop.SigningKey.ShouldBe(KeyB);
    }

    [Fact]
    public void SigningKey_with_equal_timestamps_is_the_last_added()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T0);

        shop.SigningKey.ShouldBe(KeyB);
    }

    [Fact]
    public void AddSignatureKey_third_active_key_throws()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);

        Should.Throw<InvalidOperationException>(() => shop.AddSignatureKey(KeyC, T2));

        shop.SignatureKeys.Count.ShouldBe(2);
        shop.SigningKey.ShouldBe(KeyB);
    }

    [Fact]
    public void AddSignatureKey_after_retiring_one_succeeds()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);
        shop.RetireSignatureKey(a, T2);

        shop.AddSignatureKey(KeyC, T3);

        shop.ActiveKeys.ShouldBe([KeyB, KeyC], ignoreOrder: true);
        shop.SigningKey.ShouldBe(KeyC);
        shop.SignatureKeys.Count.ShouldBe(3);
    }

    [Fact]
    public void RetireSignatureKey_of_old_key_leaves_new_one()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);

        shop.RetireSignatureKey(a, T2);

        a.RetiredAt.ShouldBe(T2);
        shop.ActiveKeys.ShouldBe([KeyB]);
        shop.SigningKey.ShouldBe(KeyB);
    }

    [Fact]
    public void RetireSignatureKey_of_new_key_leaves_old_one_signing()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        var b = shop.AddSignatureKey(KeyB, T1);

        shop.RetireSignatureKey(b, T2);

        shop.ActiveKeys.ShouldBe([KeyA]);
        shop.SigningKey.ShouldBe(KeyA);
    }

    [Fact]
    public void RetireSignatureKey_of_last_active_key_throws()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);

        Should.Throw<InvalidOperationException>(() => shop.RetireSignatureKey(a, T1));

        a.RetiredAt.ShouldBeNull();
        shop.SigningKey.ShouldBe(KeyA);
    }

    [Fact]
    public void RetireSignatureKey_of_last_active_key_after_a_rotation_throws()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        var b = shop.AddSignatureKey(KeyB, T1);
        shop.RetireSignatureKey(a, T2);

        Should.Throw<InvalidOperationException>(() => shop.RetireSignatureKey(b, T3));

        shop.ActiveKeys.ShouldBe([KeyB]);
    }

    [Fact]
    public void RetireSignatureKey_of_another_shops_key_throws()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);
        var other = NewShop();
        var foreign = other.AddSignatureKey(KeyC, T0);

        Should.Throw<InvalidOperationException>(() => shop.RetireSignatureKey(foreign, T2));

        foreign.RetiredAt.ShouldBeNull();
        shop.ActiveKeys.Count().ShouldBe(2);
    }

    [Fact]
    public void RetireSignatureKey_twice_keeps_first_retirement_time()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T0);
        shop.RetireSignatureKey(a, T1);
        shop.AddSignatureKey(KeyC, T1);

        shop.RetireSignatureKey(a, T2);

        a.RetiredAt.ShouldBe(T1);
        shop.ActiveKeys.ShouldBe([KeyB, KeyC], ignoreOrder: true);
    }

    [Fact]
    public void AddSignatureKeyReplacing_retires_old_key_and_signs_with_new()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);

        var b = shop.AddSignatureKeyReplacing(a, KeyB, T1);

        a.RetiredAt.ShouldBe(T1);
        b.Secret.ShouldBe(KeyB);
        b.RetiredAt.ShouldBeNull();
        shop.ActiveKeys.ShouldBe([KeyB]);
        shop.SigningKey.ShouldBe(KeyB);
        shop.SignatureKeys.Count.ShouldBe(2);
    }

    [Fact]
    public void AddSignatureKeyReplacing_one_of_two_active_keys_keeps_two()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);

        shop.AddSignatureKeyReplacing(a, KeyC, T2);

        shop.ActiveKeys.ShouldBe([KeyB, KeyC], ignoreOrder: true);
        shop.SigningKey.ShouldBe(KeyC);
    }

    [Fact]
    public void AddSignatureKeyReplacing_another_shops_key_throws()
    {
        var shop = NewShop();
        shop.AddSignatureKey(KeyA, T0);
        var foreign = NewShop().AddSignatureKey(KeyB, T0);

        Should.Throw<InvalidOperationException>(() => shop.AddSignatureKeyReplacing(foreign, KeyC, T1));

        foreign.RetiredAt.ShouldBeNull();
        shop.ActiveKeys.ShouldBe([KeyA]);
    }

    [Fact]
    public void AddSignatureKeyReplacing_retired_key_never_makes_three_active_keys()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);
        shop.AddSignatureKey(KeyB, T1);
        shop.RetireSignatureKey(a, T2);
        shop.AddSignatureKey(KeyC, T2);

        try
        {
            shop.AddSignatureKeyReplacing(a, KeyD, T3);
        }
        catch (InvalidOperationException)
        {
            // Refusing is fine too; what matters is the limit below.
        }

        shop.ActiveKeys.Count().ShouldBeLessThanOrEqualTo(2);
    }

    [Fact]
    public void AddSignatureKeyReplacing_with_invalid_secret_keeps_old_key_active()
    {
        var shop = NewShop();
        var a = shop.AddSignatureKey(KeyA, T0);

        Should.Throw<ArgumentException>(() => shop.AddSignatureKeyReplacing(a, "short", T1));

        a.RetiredAt.ShouldBeNull();
        shop.ActiveKeys.ShouldBe([KeyA]);
    }

    [Fact]
    public void Merchant_with_blank_name_throws()
    {
        Should.Throw<ArgumentException>(() => new Merchant(" ", T0));
        new Merchant("Acme", T0).Name.ShouldBe("Acme");
    }
    [Fact]
    public void MayRedirectTo_ipv6_loopback_configured_with_brackets_matches()
    {
        var shop = new Shop(64233, 1, "Test", new Uri("https://shop.example/"), DateTime.UnixEpoch);
        shop.SetAllowedRedirectHosts(["[::1]"]);

        shop.MayRedirectTo(new Uri("http://[::1]/ok")).ShouldBeTrue();
        shop.MayRedirectTo(new Uri("http://[::1]:8080/ok")).ShouldBeTrue(); // a host alone: any of its ports
        shop.MayRedirectTo(new Uri("http://[::2]/ok")).ShouldBeFalse();
    }

    [Fact]
    public void New_shop_is_alone_in_a_customer_union_of_its_own()
    {
        var shop = NewShop();

        shop.CustomerUnion.ShouldNotBeNull();
        shop.CustomerUnion.Name.ShouldBe(shop.Name);
    }

    [Fact]
    public void JoinUnion_shares_the_other_shops_union()
    {
        var first = NewShop();
        var second = new Shop(64234, 2, "Other merchant's shop", new Uri("https://other.example/"), T0);

        second.JoinUnion(first.CustomerUnion!);

        second.CustomerUnion.ShouldBeSameAs(first.CustomerUnion);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void SetSavedCardMinimumPayments_out_of_range_is_refused(int payments)
    {
        var shop = NewShop();

        Should.Throw<ArgumentOutOfRangeException>(() => shop.SetSavedCardMinimumPayments(payments));
        shop.SavedCardMinimumPayments.ShouldBe(1);
    }

    [Fact]
    public void SetTurnoverLimit_replaces_and_removes_the_currency_limit()
    {
        var shop = NewShop();

        shop.SetTurnoverLimit("EUR", 100m, 500m);
        shop.SetTurnoverLimit("EUR", 50m, null);
        shop.TurnoverLimitFor("EUR")!.PerDay.ShouldBe(50m);
        shop.TurnoverLimits.Count.ShouldBe(1);

        shop.SetTurnoverLimit("EUR", null, null);
        shop.TurnoverLimitFor("EUR").ShouldBeNull();
    }

    [Fact]
    public void SetTurnoverLimit_for_a_currency_the_shop_does_not_take_is_refused() =>
        Should.Throw<ArgumentException>(() => NewShop().SetTurnoverLimit("JPY", 100m, null));
}
