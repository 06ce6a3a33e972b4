using System.Globalization;
using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Shops.ShopSteps;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// An owner (or an administrator, for a merchant they choose) creates a shop on /account/shops (bUnit,
/// on a real gateway): its one signature key is shown once and signs startorder requests the gateway
/// accepts; the creation is audited without the key; a taken shopID is refused; staff and other
/// merchants have no part in it.
/// </summary>
public sealed class ShopCreationTests : IAsyncLifetime, IDisposable
{
    private const int NewShopId = 81001;
    private const int OtherShopId = 70020;

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public ShopCreationTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    private Task<Shop?> ShopAsync(int id = NewShopId) =>
        gateway.WithDbAsync(db => db.Shops.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(s => s.Id == id));

    private async Task<IRenderedComponent<ShopList>> OpenAsOwnerAsync(string? email = null)
    {
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway), email);
        return await OpenListAsync(context);
    }

    [Fact]
    public async Task Create_shop_by_owner_shows_its_key_once_and_the_key_signs_an_accepted_startorder()
    {
        var list = await OpenAsOwnerAsync("owner@shops.test");

        CreateShop(list, "81001", "Second Shop", "https://second.test/");

        list.WaitForAssertion(() => list.Find("#new-signature-key").TextContent.Trim().Length.ShouldBe(32));
        var key = list.Find("#new-signature-key").TextContent.Trim();
        list.Markup.ShouldContain("shown only this once");
        list.FindAll("a").Single(a => a.TextContent.Trim() == "Set up Second Shop").GetAttribute("href").ShouldBe($"/account/shops/{NewShopId}");
        list.FindAll("tbody a").Select(a => a.TextContent.Trim()).ShouldContain("Second Shop");
        // The form is empty again, for the next shop.
        list.Field("Shop ID").GetAttribute("value").ShouldBeNullOrEmpty();
        var shop = (await ShopAsync()).ShouldNotBeNull();
        shop.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        shop.Name.ShouldBe("Second Shop");
        shop.WebsiteUrl.ShouldBe("https://second.test/");
        shop.AllowedRedirectHosts.ShouldBe(["second.test"]);
        shop.ActiveKeys.ShouldBe([key]);

        // Never again: not on the list, not on the shop's page.
        (await OpenListAsync(context)).Markup.ShouldNotContain(key);
        var page = await OpenShopAsync(context, NewShopId);
        page.Find("h1").TextContent.ShouldBe("Second Shop");
        page.Markup.ShouldNotContain(key);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        (await owner.GetAsync("/account/shops")).Html.ShouldNotContain(key);

        // The audit says what was created, and who, never the key.
        var entry = (await gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "shop.create").ToListAsync())).ShouldHaveSingleItem();
        entry.Subject.ShouldBe($"shop {NewShopId}");
        entry.MerchantId.ShouldBe(shop.MerchantId);
        entry.UserEmail.ShouldBe("owner@shops.test");
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
        var list = await OpenAsOwnerAsync();
        var shopsBefore = await gateway.WithDbAsync(db => db.Shops.CountAsync());

        // Taken by another merchant's shop: refused all the same, without saying whose.
        CreateShop(list, "70020", "Mine now", "https://mine.test/");

        list.WaitForAssertion(() => list.FieldMessage("Shop ID").ShouldBe($"shopID {OtherShopId} is already taken: choose another number."));
        list.Find("[role=alert]").TextContent.ShouldContain("No shop was created");
        list.Markup.ShouldNotContain("Other Shop");
        list.Markup.ShouldNotContain("Other Merchant");
        list.Field("Shop name").GetAttribute("value").ShouldBe("Mine now");
        list.FindAll("#new-signature-key").ShouldBeEmpty();

        Settled(list, "Create shop");
        list.Type("Shop ID", GatewayFactory.ShopId.ToString(CultureInfo.InvariantCulture));
        list.Submit("Create shop");
        list.WaitForAssertion(() => list.FieldMessage("Shop ID").ShouldBe($"shopID {GatewayFactory.ShopId} is already taken: choose another number."));

        (await gateway.WithDbAsync(db => db.Shops.CountAsync())).ShouldBe(shopsBefore);
        (await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == OtherShopId).Select(s => s.Name).SingleAsync())).ShouldBe("Other Shop");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "shop.create"))).ShouldBe(0);
    }

    [Fact]
    public async Task Create_shop_with_bad_fields_keeps_them_with_a_message_each()
    {
        var list = await OpenAsOwnerAsync();

        CreateShop(list, "-3", " ", "shop.test");

        list.WaitForAssertion(() => list.FieldMessage("Shop ID").ShouldContain("whole number above zero"));
        list.FieldMessage("Shop name").ShouldBe("Enter the shop's name.");
        list.FieldMessage("Shop website URL").ShouldContain("https://shop.example.com/");
        list.Field("Shop ID").GetAttribute("value").ShouldBe("-3");
        list.Field("Shop website URL").GetAttribute("value").ShouldBe("shop.test");
        (await gateway.WithDbAsync(db => db.Shops.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Create_shop_is_refused_to_staff_and_asks_anonymous_to_sign_in()
    {
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "clerk@shops.test");
        var input = new ShopCreationForm { ShopId = "81001", Name = "Second Shop", WebsiteUrl = "https://second.test/" };

        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync("/account/shops"), "staff GET /account/shops");
        BackOfficeForms.ShouldAskToSignIn(await gateway.CreatePlainClient().GetAsync("/account/shops"), "anonymous GET /account/shops");
        (await AccountPageContext.RunAsPersonAsync(gateway, "clerk@shops.test", (CreateShop shops) => shops.RunAsync(input, CancellationToken.None)))
            .ShouldBeOfType<CreateShopOutcome.NotAllowed>();
        await using (var nobody = new AccountPageContext(gateway))
        {
            await Should.ThrowAsync<StaffSessionEndedException>(() => nobody.RunAsync((CreateShop shops) => shops.RunAsync(input, CancellationToken.None)));
        }

        (await ShopAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task Shop_created_by_an_owner_is_never_seen_by_another_merchant()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        CreateShop(await OpenAsOwnerAsync(), "81001", "Second Shop", "https://second.test/");
        await GatewayFactory.EventuallyAsync(async () => await ShopAsync() is not null, "the shop is created");
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant, "stranger@shops.test");

        var list = await stranger.GetAsync("/account/shops");
        list.Text.ShouldNotContain("Second Shop");
        list.Text.ShouldNotContain(NewShopId.ToString(CultureInfo.InvariantCulture));
        (await stranger.Client.GetAsync($"/account/shops/{NewShopId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await stranger.GetAsync("/account/sales")).Text.ShouldNotContain("Second Shop");

        // A merchant named by an owner's circuit is ignored: the shop is the owner's own merchant's.
        var forged = new ShopCreationForm { ShopId = "81002", Name = "Planted", WebsiteUrl = "https://planted.test/", MerchantId = (await BackOfficeStaff.SeededMerchantIdAsync(gateway)).ToString(CultureInfo.InvariantCulture) };
        (await AccountPageContext.RunAsPersonAsync(gateway, "stranger@shops.test", (CreateShop shops) => shops.RunAsync(forged, CancellationToken.None)))
            .ShouldBeOfType<CreateShopOutcome.Created>();
        (await ShopAsync(NewShopId + 1)).ShouldNotBeNull().MerchantId.ShouldBe(otherMerchant);
        (await OpenListAsync(context)).Markup.ShouldNotContain("Planted");
    }

    [Fact]
    public async Task Administrator_creates_a_shop_for_the_merchant_they_choose()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var list = await OpenListAsync(context);

        CreateShop(list, "81001", "Second Shop", "https://second.test/");

        list.WaitForAssertion(() => list.FieldMessage("Merchant").ShouldBe("Choose the merchant the shop belongs to."));
        (await ShopAsync()).ShouldBeNull();

        Settled(list, "Create shop");
        list.Choose("Merchant", $"Other Merchant (#{otherMerchant})");
        list.Submit("Create shop");

        list.WaitForAssertion(() => list.FindAll("#new-signature-key").ShouldHaveSingleItem());
        (await ShopAsync()).ShouldNotBeNull().MerchantId.ShouldBe(otherMerchant);
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant);
        (await stranger.GetAsync("/account/shops")).LinkHref("Second Shop").ShouldBe($"/account/shops/{NewShopId}");
    }
}
