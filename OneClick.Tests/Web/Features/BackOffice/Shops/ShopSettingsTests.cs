using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>An owner edits their shop: settings (all valid or nothing saved), signature keys, the One Click request, and the audit trail of each.</summary>
public sealed class ShopSettingsTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    private Task<Shop> ShopAsync(int id = GatewayFactory.ShopId) =>
        gateway.WithDbAsync(db => db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == id));

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task Shops_lists_the_owners_own_shops_only()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var owner = await OwnerAsync();

        var page = await owner.GetAsync("/account/shops");

        page.Heading.ShouldBe("Shops");
        page.LinkHref((await ShopAsync()).Name).ShouldBe(ShopUrl);
        page.Text.ShouldNotContain("Other Shop");
        page.Text.ShouldNotContain(OtherShopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Administrator_sees_every_shop_with_its_merchant()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        var page = await admin.GetAsync("/account/shops");

        page.Text.ShouldContain("Other Shop");
        page.Text.ShouldContain("Other Merchant");
        page.LinkHref("Other Shop").ShouldBe($"/account/shops/{OtherShopId}");
    }

    [Fact]
    public async Task Save_settings_changes_the_shop_and_audits_the_changed_fields()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        var name = (await ShopAsync()).Name;

        var saved = await BackOfficeForms.SubmitAsync(owner, page, "Save settings", new()
        {
            ["Input.Name"] = "Renamed Shop",
            ["Input.WebsiteUrl"] = "https://renamed.test/",
            ["Input.SuccessUrl"] = "https://renamed.test/ok",
            ["Input.DeclineUrl"] = "https://renamed.test/no",
            ["Input.PostbackUrl"] = "https://renamed.test/postback",
            ["Input.AllowedRedirectHosts"] = "renamed.test\nwww.renamed.test\n",
            ["Input.AcceptLegacySha1"] = "True",
            ["Input.SavedCardMinimumPayments"] = "3",
            ["Input.PostbackRetrySchedule"] = "60, 300,1800",
            ["Input.RequiresBillingAddress"] = "True",
            ["Input.Currencies[0].Accepted"] = null, // USD off
            ["Input.Currencies[1].PerDay"] = "100.00", // EUR
            ["Input.Currencies[1].PerWeek"] = "500",
        });

        saved.Status.ShouldBe(HttpStatusCode.OK);
        saved.Text.ShouldContain("Settings saved.");
        var shop = await ShopAsync();
        shop.Name.ShouldBe("Renamed Shop");
        shop.WebsiteUrl.ShouldBe("https://renamed.test/");
        shop.SuccessUrl.ShouldBe("https://renamed.test/ok");
        shop.DeclineUrl.ShouldBe("https://renamed.test/no");
        shop.PostbackUrl.ShouldBe("https://renamed.test/postback");
        shop.AllowedRedirectHosts.ShouldBe(["renamed.test", "www.renamed.test"]);
        shop.AcceptLegacySha1.ShouldBeTrue();
        shop.SavedCardMinimumPayments.ShouldBe(3);
        shop.PostbackRetrySchedule.ShouldBe("60,300,1800");
        shop.RequiresBillingAddress.ShouldBeTrue();
        shop.AcceptsCurrency("USD").ShouldBeFalse();
        shop.AcceptsCurrency("EUR").ShouldBeTrue();
        shop.TurnoverLimitFor("EUR")!.PerDay.ShouldBe(100m);
        shop.TurnoverLimitFor("EUR")!.PerWeek.ShouldBe(500m);

        var entry = (await AuditAsync("shop.update")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        entry.MerchantId.ShouldBe(shop.MerchantId);
        entry.Before.ShouldNotBeNull().ShouldContain($"\"name\":\"{name}\"");
        entry.After.ShouldNotBeNull().ShouldContain("\"name\":\"Renamed Shop\"");
        entry.After.ShouldContain("EUR day 100.00 week 500.00");
        entry.Before.ShouldNotContain(GatewayFactory.SignatureKey);
    }

    [Theory]
    [InlineData("https://merchant.test/postback?saleID=1", "which the gateway adds itself")]
    [InlineData("https://merchant.test/postback?a=1&a=2", "repeats a query parameter")]
    [InlineData("https://merchant.test/postback?utm.source=x", "letters, digits")]
    [InlineData("https://merchant.test/postback?=x", "without a name")]
    [InlineData("https://merchant.test/postback?a=%E9", "not UTF-8")]
    public async Task Save_settings_refuses_a_postback_url_whose_query_a_merchant_could_not_verify(string url, string message)
    {
        // The gateway signs every parameter the merchant receives, the URL's own ones too.
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);

        var refused = await BackOfficeForms.SubmitAsync(owner, page, "Save settings", new() { ["Input.PostbackUrl"] = url });

        refused.Text.ShouldContain("Nothing was saved");
        BackOfficeForms.FieldMessage(refused, "Postback URL").ShouldContain(message);
        (await ShopAsync()).PostbackUrl.ShouldNotBe(url);
    }

    [Fact]
    public async Task Save_settings_keeps_the_form_with_a_message_per_bad_field_and_saves_nothing()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        var name = (await ShopAsync()).Name;

        var refused = await BackOfficeForms.SubmitAsync(owner, page, "Save settings", new()
        {
            ["Input.Name"] = "Would be renamed",
            ["Input.WebsiteUrl"] = "not a url",
            ["Input.SuccessUrl"] = "ftp://merchant.test/ok",
            ["Input.AllowedRedirectHosts"] = "merchant.test\nhttps://bad host/",
            ["Input.SavedCardMinimumPayments"] = "101",
            ["Input.PostbackRetrySchedule"] = "60,soon",
            ["Input.Currencies[1].PerDay"] = "500",
            ["Input.Currencies[1].PerWeek"] = "100",
            ["Input.Currencies[2].PerDay"] = "-5",
        });

        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.Text.ShouldContain("Nothing was saved");
        BackOfficeForms.FieldMessage(refused, "Website URL").ShouldContain("https://shop.example.com/");
        BackOfficeForms.FieldMessage(refused, "Success URL").ShouldContain("https://");
        BackOfficeForms.FieldMessage(refused, "Allowed redirect hosts").ShouldContain("'https://bad host/' is not a host name");
        BackOfficeForms.FieldMessage(refused, "Minimum successful payments").ShouldContain("1 to 100");
        BackOfficeForms.FieldMessage(refused, "Postback retry schedule").ShouldContain("60,300,1800");
        BackOfficeForms.FieldMessage(refused, "EUR limit per day").ShouldContain("cannot be above the limit per week");
        BackOfficeForms.FieldMessage(refused, "GBP limit per day").ShouldContain("above zero");
        BackOfficeForms.FieldMessage(refused, "Name").ShouldBeEmpty();
        // What was typed is still there to correct.
        refused.Document.QuerySelector("#shop-name")!.GetAttribute("value").ShouldBe("Would be renamed");
        refused.Document.QuerySelector("#shop-website")!.GetAttribute("value").ShouldBe("not a url");
        refused.Document.QuerySelector("#limit-week-EUR")!.GetAttribute("value").ShouldBe("100");
        refused.Document.QuerySelector("#shop-hosts")!.TextContent.ShouldContain("https://bad host/");

        var shop = await ShopAsync();
        shop.Name.ShouldBe(name);
        shop.WebsiteUrl.ShouldBe(GatewayFactory.WebsiteUrl);
        shop.SavedCardMinimumPayments.ShouldBe(1);
        shop.TurnoverLimits.ShouldBeEmpty();
        shop.AllowedRedirectHosts.ShouldBe([GatewayFactory.MerchantHost, "127.0.0.1"]);
        (await AuditAsync("shop.update")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Save_settings_without_any_currency_is_refused()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        var fields = Enumerable.Range(0, Shop.DefaultCurrencies.Count).ToDictionary(i => $"Input.Currencies[{i}].Accepted", _ => (string?)null);

        var refused = await BackOfficeForms.SubmitAsync(owner, page, "Save settings", fields);

        refused.Document.GetElementById("shop-currencies-message")!.TextContent.ShouldBe("Tick at least one currency.");
        (await ShopAsync()).Currencies.ShouldBe(Shop.DefaultCurrencies);
    }

    [Fact]
    public async Task Create_key_shows_it_once_and_the_new_key_signs()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);

        var created = await owner.SubmitAsync(page, "Create a new key");

        var key = created.Document.GetElementById("new-signature-key")!.TextContent.Trim();
        key.Length.ShouldBeGreaterThanOrEqualTo(32);
        created.Text.ShouldContain("shown only this once");
        var shop = await ShopAsync();
        shop.ActiveKeys.ShouldBe([GatewayFactory.SignatureKey, key], ignoreOrder: true);
        shop.SigningKey.ShouldBe(key);
        var again = await owner.GetAsync(ShopUrl);
        again.Html.ShouldNotContain(key);
        again.Html.ShouldNotContain(GatewayFactory.SignatureKey);
        again.Document.QuerySelector("#new-signature-key").ShouldBeNull();
        // Both keys verify while the merchant moves to the new one.
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(), key)).Heading.ShouldBe("Pay by card");
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase())).Heading.ShouldBe("Pay by card");
        var entry = (await AuditAsync("shop.key.create")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        (entry.Before + entry.After).ShouldNotContain(key);
    }

    [Fact]
    public async Task Create_key_with_two_active_keys_asks_to_retire_the_older_one_first()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        var second = await owner.SubmitAsync(page, "Create a new key");

        var third = await owner.SubmitAsync(second, "Create a new key");

        third.Document.GetElementById("key-message")!.TextContent.ShouldContain("retire the older key first");
        third.Document.QuerySelector("#new-signature-key").ShouldBeNull();
        (await ShopAsync()).ActiveKeys.Count().ShouldBe(2);
        (await AuditAsync("shop.key.create")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retire_the_older_key_leaves_the_new_one_and_refuses_the_old_signature()
    {
        var owner = await OwnerAsync();
        var created = await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Create a new key");
        var key = created.Document.GetElementById("new-signature-key")!.TextContent.Trim();
        var oldId = (await ShopAsync()).SignatureKeys.Single(k => k.Secret == GatewayFactory.SignatureKey).Id;

        var retired = await owner.SubmitAsync(await owner.GetAsync(ShopUrl), $"Retire key #{oldId}");

        retired.Text.ShouldContain($"Key #{oldId} is retired");
        (await ShopAsync()).ActiveKeys.ShouldBe([key]);
        (await Buyer.Of(gateway).Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(), key)).Heading.ShouldBe("Pay by card");
        retired.Document.QuerySelectorAll("button").ShouldNotContain(b => b.TextContent.StartsWith("Retire", StringComparison.Ordinal));
        var entry = (await AuditAsync("shop.key.retire")).ShouldHaveSingleItem();
        entry.After!.ShouldContain($"\"keyId\":{oldId}");
        (entry.Before + entry.After).ShouldNotContain(GatewayFactory.SignatureKey);
    }

    [Fact]
    public async Task Retired_key_is_refused_at_once_by_a_gateway_that_had_just_accepted_it()
    {
        var owner = await OwnerAsync();
        var created = await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Create a new key");
        var key = created.Document.GetElementById("new-signature-key")!.TextContent.Trim();
        var oldId = (await ShopAsync()).SignatureKeys.Single(k => k.Secret == GatewayFactory.SignatureKey).Id;
        // The shop as startorder reads it is kept in memory (ShopSnapshots) after this.
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase())).Heading.ShouldBe("Pay by card");

        await owner.SubmitAsync(await owner.GetAsync(ShopUrl), $"Retire key #{oldId}");

        (await Buyer.Of(gateway).Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(), key)).Heading.ShouldBe("Pay by card");
    }

    [Fact]
    public async Task Retire_the_last_active_key_is_refused()
    {
        var owner = await OwnerAsync();
        await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Create a new key");
        var withTwo = await owner.GetAsync(ShopUrl);
        var keys = (await ShopAsync()).SignatureKeys.OrderBy(k => k.Id).ToList();
        await owner.SubmitAsync(withTwo, $"Retire key #{keys[0].Id}");

        // The page with two keys, posted again for the one key left.
        var refused = await owner.SubmitAsync(withTwo, $"Retire key #{keys[1].Id}");

        refused.Document.GetElementById("key-message")!.TextContent.ShouldContain("The last active key cannot be retired");
        (await ShopAsync()).ActiveKeys.ShouldBe([keys[1].Secret]);
        (await AuditAsync("shop.key.retire")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Request_one_click_shows_requested_and_the_owner_cannot_switch_it_on()
    {
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        page.Document.GetElementById("one-click-status")!.TextContent.ShouldBe("Not requested");

        var requested = await owner.SubmitAsync(page, "Request One Click");

        requested.Document.GetElementById("one-click-status")!.TextContent.ShouldBe("Requested");
        var shop = await ShopAsync();
        shop.OneClickRequest.ShouldBe(OneClickRequest.Requested);
        shop.OneClickEnabled.ShouldBeFalse();
        (await owner.GetAsync(ShopUrl)).Document.QuerySelectorAll("button").ShouldNotContain(b => b.TextContent.Contains("One Click", StringComparison.Ordinal));
        // Asking twice is answered, not recorded twice.
        var again = await owner.SubmitAsync(page, "Request One Click");
        again.Text.ShouldContain("already been requested");
        (await AuditAsync("shop.oneclick.request")).ShouldHaveSingleItem().After!.ShouldContain("Requested");
        // No form of the shop page turns One Click on: the approval is the administrator's.
        var forged = await BackOfficeForms.PostAsync(owner, ShopUrl, "approve-one-click", new() { ["Approve.ShopId"] = "64233" });
        forged.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        (await ShopAsync()).OneClickEnabled.ShouldBeFalse();
    }
}
