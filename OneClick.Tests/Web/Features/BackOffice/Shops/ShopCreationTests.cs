using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// An owner (or an administrator, for a merchant they choose) creates a shop on /account/shops: its
/// one signature key is shown once and signs startorder requests the gateway accepts; the creation
/// is audited without the key; a taken shopID is refused; staff and other merchants have no part in it.
/// </summary>
public sealed class ShopCreationTests : IDisposable
{
    private const int NewShopId = 81001;
    private const int OtherShopId = 70020;

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private static Dictionary<string, string?> NewShop(int shopId = NewShopId, string name = "Second Shop", string website = "https://second.test/") => new()
    {
        ["Input.ShopId"] = shopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.Name"] = name,
        ["Input.WebsiteUrl"] = website,
    };

    private Task<Shop?> ShopAsync(int id = NewShopId) =>
        gateway.WithDbAsync(db => db.Shops.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(s => s.Id == id));

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    [Fact]
    public async Task Create_shop_by_owner_shows_its_key_once_and_the_key_signs_an_accepted_startorder()
    {
        var owner = await OwnerAsync();
        var list = await owner.GetAsync("/account/shops");

        var created = await owner.SubmitAsync(list, "Create shop", NewShop());

        created.Status.ShouldBe(HttpStatusCode.OK);
        var key = created.Document.QuerySelector("#new-signature-key")!.TextContent.Trim();
        key.Length.ShouldBe(32);
        created.Text.ShouldContain("shown only this once");
        created.LinkHref("Second Shop").ShouldBe($"/account/shops/{NewShopId}");
        var shop = (await ShopAsync()).ShouldNotBeNull();
        shop.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        shop.Name.ShouldBe("Second Shop");
        shop.WebsiteUrl.ShouldBe("https://second.test/");
        shop.AllowedRedirectHosts.ShouldBe(["second.test"]);
        shop.ActiveKeys.ShouldBe([key]);

        // Never again: not on the list, not on the shop's page.
        (await owner.GetAsync("/account/shops")).Html.ShouldNotContain(key);
        var page = await owner.GetAsync($"/account/shops/{NewShopId}");
        page.Heading.ShouldBe("Second Shop");
        page.Html.ShouldNotContain(key);

        // The audit says what was created, never the key.
        var entry = (await gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "shop.create").ToListAsync())).ShouldHaveSingleItem();
        entry.Subject.ShouldBe($"shop {NewShopId}");
        entry.MerchantId.ShouldBe(shop.MerchantId);
        entry.After.ShouldNotBeNull().ShouldContain("Second Shop");
        entry.After.ShouldNotContain(key);

        // The merchant's integration signs with the new key and the gateway takes the order.
        var buyer = Buyer.Of(gateway);
        var order = await buyer.StartAsync(Merchant.Purchase(shopId: NewShopId), key);
        order.Heading.ShouldBe("Pay by card");
        // The seeded shop's key does not sign for it.
        (await buyer.Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase(shopId: NewShopId)))).StatusCode.ShouldNotBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Create_shop_with_a_taken_id_is_refused_with_a_message_and_nothing_created()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var owner = await OwnerAsync();
        var list = await owner.GetAsync("/account/shops");
        var shopsBefore = await gateway.WithDbAsync(db => db.Shops.CountAsync());

        // Taken by another merchant's shop: refused all the same, without saying whose.
        var refused = await owner.SubmitAsync(list, "Create shop", NewShop(OtherShopId, name: "Mine now"));

        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.Text.ShouldContain("No shop was created");
        BackOfficeForms.FieldMessage(refused, "Shop ID").ShouldBe($"shopID {OtherShopId} is already taken: choose another number.");
        refused.Text.ShouldNotContain("Other Shop");
        refused.Text.ShouldNotContain("Other Merchant");
        refused.Document.QuerySelector("#new-shop-name")!.GetAttribute("value").ShouldBe("Mine now");
        refused.Document.QuerySelector("#new-signature-key").ShouldBeNull();

        var own = await owner.SubmitAsync(list, "Create shop", NewShop(GatewayFactory.ShopId));
        BackOfficeForms.FieldMessage(own, "Shop ID").ShouldContain("already taken");

        (await gateway.WithDbAsync(db => db.Shops.CountAsync())).ShouldBe(shopsBefore);
        (await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == OtherShopId).Select(s => s.Name).SingleAsync())).ShouldBe("Other Shop");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "shop.create"))).ShouldBe(0);
    }

    [Fact]
    public async Task Create_shop_with_bad_fields_keeps_them_with_a_message_each()
    {
        var owner = await OwnerAsync();
        var list = await owner.GetAsync("/account/shops");

        var refused = await owner.SubmitAsync(list, "Create shop", new() { ["Input.ShopId"] = "-3", ["Input.Name"] = " ", ["Input.WebsiteUrl"] = "shop.test" });

        BackOfficeForms.FieldMessage(refused, "Shop ID").ShouldContain("whole number above zero");
        refused.FieldMessage("Shop name").ShouldBe("Enter the shop's name.");
        BackOfficeForms.FieldMessage(refused, "Shop website URL").ShouldContain("https://shop.example.com/");
        refused.Document.QuerySelector("#new-shop-id")!.GetAttribute("value").ShouldBe("-3");
        refused.Document.QuerySelector("#new-shop-website")!.GetAttribute("value").ShouldBe("shop.test");
        (await gateway.WithDbAsync(db => db.Shops.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Create_shop_is_refused_to_staff_and_asks_anonymous_to_sign_in()
    {
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var fields = NewShop().ToDictionary(p => p.Key, p => p.Value!);

        BackOfficeForms.ShouldBeDenied(await BackOfficeForms.PostAsync(staff, "/account/shops", "create-shop", fields), "staff POST create-shop");
        BackOfficeForms.ShouldAskToSignIn(await BackOfficeForms.PostAsync(Buyer.Of(gateway), "/account/shops", "create-shop", fields), "anonymous POST create-shop");

        (await ShopAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task Shop_created_by_an_owner_is_never_seen_by_another_merchant()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var owner = await OwnerAsync();
        await owner.SubmitAsync(await owner.GetAsync("/account/shops"), "Create shop", NewShop());
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));

        var list = await stranger.GetAsync("/account/shops");
        list.Text.ShouldNotContain("Second Shop");
        list.Text.ShouldNotContain(NewShopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await stranger.Client.GetAsync($"/account/shops/{NewShopId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.GetAsync("/account/sales")).Text.ShouldNotContain("Second Shop");

        // A forged merchant in an owner's post is ignored: the shop is the owner's own merchant's.
        var forged = NewShop(NewShopId + 1, name: "Planted").ToDictionary(p => p.Key, p => p.Value!);
        forged["Input.MerchantId"] = (await BackOfficeStaff.SeededMerchantIdAsync(gateway)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await BackOfficeForms.PostAsync(stranger, "/account/shops", "create-shop", forged)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ShopAsync(NewShopId + 1)).ShouldNotBeNull().MerchantId.ShouldBe(await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        (await owner.GetAsync("/account/shops")).Text.ShouldNotContain("Planted");
    }

    [Fact]
    public async Task Administrator_creates_a_shop_for_the_merchant_they_choose()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var list = await admin.GetAsync("/account/shops");

        var unchosen = await admin.SubmitAsync(list, "Create shop", NewShop());
        BackOfficeForms.FieldMessage(unchosen, "Merchant").ShouldBe("Choose the merchant the shop belongs to.");
        (await ShopAsync()).ShouldBeNull();

        var fields = NewShop();
        fields["Input.MerchantId"] = otherMerchant.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await admin.SubmitAsync(list, "Create shop", fields);

        created.Document.QuerySelector("#new-signature-key").ShouldNotBeNull();
        (await ShopAsync()).ShouldNotBeNull().MerchantId.ShouldBe(otherMerchant);
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant);
        (await stranger.GetAsync("/account/shops")).LinkHref("Second Shop").ShouldBe($"/account/shops/{NewShopId}");
    }
}
