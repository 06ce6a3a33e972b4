using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// The authorization matrix of the Shops section: each page and form post, for each role, with a
/// shop of the person's own merchant and of another: allowed, refused (login / denied), or 404 with
/// nothing changed and nothing shown.
/// </summary>
public sealed class ShopAuthorizationTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    /// <summary>Every form post of a shop page, with fields that would change the shop.</summary>
    private static readonly (string Form, Dictionary<string, string> Fields)[] Posts =
    [
        ("shop-settings", new() { ["Input.Name"] = "Taken over", ["Input.WebsiteUrl"] = "https://evil.test/", ["Input.SavedCardMinimumPayments"] = "1", ["Input.Currencies[0].Code"] = "USD", ["Input.Currencies[0].Accepted"] = "true" }),
        ("create-key", []),
        ("retire-key", new() { ["Retire.KeyId"] = "1" }),
        ("request-one-click", []),
    ];

    private Task<string> FingerprintAsync(int shopId = GatewayFactory.ShopId) => gateway.WithDbAsync(async db =>
    {
        var shop = await db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == shopId);
        return $"{shop.Name}|{shop.WebsiteUrl}|{string.Join(',', shop.SignatureKeys.Select(k => $"{k.Id}:{k.RetiredAt}"))}|{shop.OneClickRequest}|{await db.AuditEntries.CountAsync()}";
    });

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_on_every_page_and_post()
    {
        var anonymous = Buyer.Of(gateway);
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync("/account/shops"), "GET /account/shops");
        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync(ShopUrl), "GET shop");
        foreach (var (form, fields) in Posts)
        {
            BackOfficeForms.ShouldAskToSignIn(await BackOfficeForms.PostAsync(anonymous, ShopUrl, form, fields), "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Staff_of_the_merchant_is_refused_on_every_page_and_post()
    {
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync("/account/shops"), "GET /account/shops");
        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync(ShopUrl), "GET shop");
        foreach (var (form, fields) in Posts)
        {
            BackOfficeForms.ShouldBeDenied(await BackOfficeForms.PostAsync(staff, ShopUrl, form, fields), "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
        (await staff.GetAsync("/account")).Document.QuerySelector("a[href='/account/shops']").ShouldBeNull();
    }

    [Fact]
    public async Task Owner_of_the_merchant_may_open_and_post_every_form_of_their_shop()
    {
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        (await owner.Client.GetAsync("/account/shops")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.GetAsync(ShopUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (form, fields) in Posts)
        {
            (await BackOfficeForms.PostAsync(owner, ShopUrl, form, fields)).StatusCode.ShouldBe(HttpStatusCode.OK, "POST " + form);
        }
    }

    [Fact]
    public async Task Owner_of_another_merchant_gets_404_for_this_shop_and_changes_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        var before = await FingerprintAsync();
        var name = await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.Name).SingleAsync());

        var list = await stranger.GetAsync("/account/shops");
        list.Text.ShouldContain("Other Shop");
        list.Text.ShouldNotContain(name);
        var page = await stranger.Client.GetAsync(ShopUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldNotContain(name);
        foreach (var (form, fields) in Posts)
        {
            var response = await BackOfficeForms.PostAsync(stranger, ShopUrl, form, fields);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, "POST " + form + "\n" + string.Join('\n', gateway.Logs.Lines.Where(l => l.Contains("xception", StringComparison.Ordinal)).Take(3)));
            body.ShouldNotContain(name, Case.Sensitive, "POST " + form);
            body.ShouldNotContain("new-signature-key", Case.Sensitive, "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
        // Their own shop is theirs to open.
        (await stranger.Client.GetAsync($"/account/shops/{OtherShopId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_shop_id_is_404_like_another_merchants()
    {
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        (await owner.Client.GetAsync("/account/shops/999999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Administrator_may_open_and_post_every_form_of_any_shop()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        (await admin.Client.GetAsync("/account/shops")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.Client.GetAsync($"/account/shops/{OtherShopId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (form, fields) in Posts)
        {
            (await BackOfficeForms.PostAsync(admin, ShopUrl, form, fields)).StatusCode.ShouldBe(HttpStatusCode.OK, "POST " + form);
        }

        var page = await admin.GetAsync($"/account/shops/{OtherShopId}");
        page.Text.ShouldContain("Other Merchant");
    }
}
