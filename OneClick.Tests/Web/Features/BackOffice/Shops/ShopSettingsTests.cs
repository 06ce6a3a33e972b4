using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Shops.ShopSteps;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// An owner edits their shop over its circuit (bUnit, on a real gateway): settings (all valid or
/// nothing saved), signature keys (a retirement confirmed in a dialog), the One Click request, and
/// the audit trail of each. The shops list as first answered over HTTP.
/// </summary>
public sealed class ShopSettingsTests : IAsyncLifetime, IDisposable
{
    private const int OtherShopId = 70020;
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public ShopSettingsTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    /// <summary>The seeded shop's page as a new owner of its merchant sees it over their circuit.</summary>
    private async Task<IRenderedComponent<ShopPage>> OpenAsOwnerAsync()
    {
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return await OpenShopAsync(context, GatewayFactory.ShopId);
    }

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
        var page = await OpenAsOwnerAsync();
        var name = (await ShopAsync()).Name;

        page.Type("Name", "Renamed Shop");
        page.Type("Website URL", "https://renamed.test/");
        page.Type("Success URL", "https://renamed.test/ok");
        page.Type("Decline URL", "https://renamed.test/no");
        page.Type("Postback URL", "https://renamed.test/postback");
        page.Type("Allowed redirect hosts", "renamed.test\nwww.renamed.test\n");
        page.Tick("Accept legacy SHA-1 signatures");
        page.Type("Minimum successful payments", "3");
        page.Type("Postback retry schedule", "60, 300,1800");
        page.Tick("Require a billing address");
        page.Tick("USD", false);
        page.Type("EUR limit per day", "100.00");
        page.Type("EUR limit per week", "500");
        page.Submit("Save settings");

        page.Snackbar().ShouldContain("Settings saved.");
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
        // The page shows what was saved, as saved.
        page.WaitForAssertion(() => page.Find("h1").TextContent.ShouldBe("Renamed Shop"));
        page.Field("Postback retry schedule").GetAttribute("value").ShouldBe("60,300,1800");

        var entry = (await AuditAsync("shop.update")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        entry.MerchantId.ShouldBe(shop.MerchantId);
        entry.Before.ShouldNotBeNull().ShouldContain($"\"name\":\"{name}\"");
        entry.After.ShouldNotBeNull().ShouldContain("\"name\":\"Renamed Shop\"");
        entry.After.ShouldContain("EUR day 100.00 week 500.00");
        entry.Before.ShouldNotContain(GatewayFactory.SignatureKey);

        // The same settings saved again change nothing, and say so.
        Settled(page, "Save settings");
        page.Submit("Save settings");
        page.WaitForAssertion(() => page.Find("#mud-snackbar-container").TextContent.ShouldContain("Nothing changed."));
        (await AuditAsync("shop.update")).Count.ShouldBe(1);
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
        var page = await OpenAsOwnerAsync();

        page.Type("Postback URL", url);
        page.Submit("Save settings");

        page.WaitForAssertion(() => page.FieldMessage("Postback URL").ShouldContain(message));
        page.Find("[role=alert]").TextContent.ShouldContain("Nothing was saved");
        (await ShopAsync()).PostbackUrl.ShouldNotBe(url);
    }

    [Fact]
    public async Task Save_settings_keeps_the_form_with_a_message_per_bad_field_and_saves_nothing()
    {
        var page = await OpenAsOwnerAsync();
        var name = (await ShopAsync()).Name;

        page.Type("Name", "Would be renamed");
        page.Type("Website URL", "not a url");
        page.Type("Success URL", "ftp://merchant.test/ok");
        page.Type("Allowed redirect hosts", "merchant.test\nhttps://bad host/");
        page.Type("Minimum successful payments", "101");
        page.Type("Postback retry schedule", "60,soon");
        page.Type("EUR limit per day", "500");
        page.Type("EUR limit per week", "100");
        page.Type("GBP limit per day", "-5");
        page.Submit("Save settings");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("Nothing was saved"));
        page.FieldMessage("Website URL").ShouldContain("https://shop.example.com/");
        page.FieldMessage("Success URL").ShouldContain("https://");
        page.FieldMessage("Allowed redirect hosts").ShouldContain("'https://bad host/' is not a host name");
        page.FieldMessage("Minimum successful payments").ShouldContain("1 to 100");
        page.FieldMessage("Postback retry schedule").ShouldContain("60,300,1800");
        page.FieldMessage("EUR limit per day").ShouldContain("cannot be above the limit per week");
        page.FieldMessage("GBP limit per day").ShouldContain("above zero");
        page.FieldMessage("Name").ShouldBeEmpty();
        // What was typed is still there to correct.
        page.Field("Name").GetAttribute("value").ShouldBe("Would be renamed");
        page.Field("Website URL").GetAttribute("value").ShouldBe("not a url");
        page.Field("EUR limit per week").GetAttribute("value").ShouldBe("100");
        page.Field("Allowed redirect hosts").GetAttribute("value")!.ShouldContain("https://bad host/");

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
        var page = await OpenAsOwnerAsync();

        foreach (var code in Shop.DefaultCurrencies)
        {
            page.Tick(code, false);
        }

        page.Submit("Save settings");

        page.WaitForAssertion(() => page.Find("#shop-currencies-message").TextContent.ShouldBe("Tick at least one currency."));
        (await ShopAsync()).Currencies.ShouldBe(Shop.DefaultCurrencies);
    }

    [Fact]
    public async Task Create_key_shows_it_once_and_the_new_key_signs()
    {
        var page = await OpenAsOwnerAsync();

        page.Press("Create a new key");

        page.WaitForAssertion(() => page.FindAll("#new-signature-key").ShouldHaveSingleItem());
        var key = page.Find("#new-signature-key").TextContent.Trim();
        key.Length.ShouldBeGreaterThanOrEqualTo(32);
        page.Markup.ShouldContain("shown only this once");
        var shop = await ShopAsync();
        shop.ActiveKeys.ShouldBe([GatewayFactory.SignatureKey, key], ignoreOrder: true);
        shop.SigningKey.ShouldBe(key);
        var again = await OpenShopAsync(context, GatewayFactory.ShopId);
        again.Markup.ShouldNotContain(key);
        again.Markup.ShouldNotContain(GatewayFactory.SignatureKey);
        again.FindAll("#new-signature-key").ShouldBeEmpty();
        (await (await OwnerAsync()).GetAsync(ShopUrl)).Html.ShouldNotContain(key);
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
        var page = await OpenAsOwnerAsync();
        page.Press("Create a new key");
        page.WaitForAssertion(() => page.FindAll("#new-signature-key").ShouldHaveSingleItem());
        var second = page.Find("#new-signature-key").TextContent.Trim();
        Settled(page, "Create a new key");

        page.Press("Create a new key");

        page.WaitForAssertion(() => page.Find("#key-message").TextContent.ShouldContain("retire the older key first"));
        // The key made a moment ago was shown once, until this next change; and no third one.
        page.FindAll("#new-signature-key").ShouldBeEmpty();
        page.Markup.ShouldNotContain(second);
        (await ShopAsync()).ActiveKeys.Count().ShouldBe(2);
        (await AuditAsync("shop.key.create")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retire_the_older_key_is_confirmed_leaves_the_new_one_and_refuses_the_old_signature()
    {
        var page = await OpenAsOwnerAsync();
        page.Press("Create a new key");
        page.WaitForAssertion(() => page.FindAll("#new-signature-key").ShouldHaveSingleItem());
        var key = page.Find("#new-signature-key").TextContent.Trim();
        var oldId = (await ShopAsync()).SignatureKeys.Single(k => k.Secret == GatewayFactory.SignatureKey).Id;

        page.Press($"Retire key #{oldId}");
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain($"Retire key #{oldId}?"));
        page.Press("Keep the key");
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        (await ShopAsync()).ActiveKeys.Count().ShouldBe(2);
        // Nothing happened: the new key is still there to copy.
        page.Find("#new-signature-key").TextContent.Trim().ShouldBe(key);
        page.Press($"Retire key #{oldId}");
        page.Press("Yes, retire key");

        page.Snackbar().ShouldContain($"Key #{oldId} is retired");
        (await ShopAsync()).ActiveKeys.ShouldBe([key]);
        (await Buyer.Of(gateway).Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(), key)).Heading.ShouldBe("Pay by card");
        page.WaitForAssertion(() => page.FindAll("button").ShouldNotContain(b => b.TextContent.Trim().StartsWith("Retire", StringComparison.Ordinal)));
        var entry = (await AuditAsync("shop.key.retire")).ShouldHaveSingleItem();
        entry.After!.ShouldContain($"\"keyId\":{oldId}");
        (entry.Before + entry.After).ShouldNotContain(GatewayFactory.SignatureKey);
    }

    [Fact]
    public async Task Retired_key_is_refused_at_once_by_a_gateway_that_had_just_accepted_it()
    {
        var page = await OpenAsOwnerAsync();
        page.Press("Create a new key");
        page.WaitForAssertion(() => page.FindAll("#new-signature-key").ShouldHaveSingleItem());
        var key = page.Find("#new-signature-key").TextContent.Trim();
        var oldId = (await ShopAsync()).SignatureKeys.Single(k => k.Secret == GatewayFactory.SignatureKey).Id;
        // The shop as startorder reads it is kept in memory (ShopSnapshots) after this.
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase())).Heading.ShouldBe("Pay by card");

        page.Press($"Retire key #{oldId}");
        page.Press("Yes, retire key");
        page.Snackbar().ShouldContain("is retired");

        (await Buyer.Of(gateway).Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(), key)).Heading.ShouldBe("Pay by card");
    }

    [Fact]
    public async Task Retire_the_last_active_key_from_a_page_that_showed_two_is_refused()
    {
        var page = await OpenAsOwnerAsync();
        page.Press("Create a new key");
        page.WaitForAssertion(() => page.FindAll("#new-signature-key").ShouldHaveSingleItem());
        var keys = (await ShopAsync()).SignatureKeys.OrderBy(k => k.Id).ToList();
        // Another tab retires the older key while this page still shows two.
        (await context.RunAsync((OneClick.Web.Features.BackOffice.Shops.Commands.RetireSignatureKey retire) => retire.RunAsync(GatewayFactory.ShopId, keys[0].Id, CancellationToken.None)))
            .ShouldBeOfType<OneClick.Web.Features.BackOffice.Shops.Commands.RetireSignatureKeyOutcome.Retired>();

        page.Press($"Retire key #{keys[1].Id}");
        page.Press("Yes, retire key");

        page.WaitForAssertion(() => page.Find("#key-message").TextContent.ShouldContain("The last active key cannot be retired"));
        (await ShopAsync()).ActiveKeys.ShouldBe([keys[1].Secret]);
        (await AuditAsync("shop.key.retire")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Request_one_click_shows_requested_and_the_owner_cannot_switch_it_on()
    {
        var page = await OpenAsOwnerAsync();
        page.Find("#one-click-status").TextContent.ShouldBe("Not requested");

        page.Press("Request One Click");

        page.Snackbar().ShouldContain("One Click is requested");
        page.WaitForAssertion(() => page.Find("#one-click-status").TextContent.ShouldBe("Requested"));
        var shop = await ShopAsync();
        shop.OneClickRequest.ShouldBe(OneClickRequest.Requested);
        shop.OneClickEnabled.ShouldBeFalse();
        page.FindAll("button").ShouldNotContain(b => b.TextContent.Contains("One Click", StringComparison.Ordinal));
        // Asking twice (another tab) is answered, not recorded twice.
        (await context.RunAsync((OneClick.Web.Features.BackOffice.Shops.Commands.RequestOneClick request) => request.RunAsync(GatewayFactory.ShopId, CancellationToken.None)))
            .ShouldBeOfType<OneClick.Web.Features.BackOffice.Shops.Commands.RequestOneClickOutcome.Refused>().Reason.ShouldContain("already been requested");
        (await AuditAsync("shop.oneclick.request")).ShouldHaveSingleItem().After!.ShouldContain("Requested");
        // Nothing an owner runs turns One Click on: the approval is the administrator's.
        (await context.RunAsync((OneClick.Web.Features.BackOffice.Administration.Commands.AnswerOneClickRequest answer) => answer.RunAsync(GatewayFactory.ShopId, approve: true, CancellationToken.None)))
            .ShouldBeOfType<OneClick.Web.Features.BackOffice.Administration.Commands.AnswerOneClickRequestOutcome.NotAllowed>();
        (await ShopAsync()).OneClickEnabled.ShouldBeFalse();
    }
}
