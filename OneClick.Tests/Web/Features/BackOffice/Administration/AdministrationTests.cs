using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.Staff;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;

namespace OneClick.Tests.Web.Features.BackOffice.Administration;

/// <summary>The administrators' page: One Click requests answered, customer unions created and joined; refused to everyone else.</summary>
public sealed class AdministrationTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const string ShopUrl = "/account/shops/64233";
    private const string AdminUrl = "/account/admin";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private static readonly (string Form, Dictionary<string, string> Fields)[] Posts =
    [
        ("approve-one-click", new() { ["Approve.ShopId"] = "64233" }),
        ("refuse-one-click", new() { ["Refuse.ShopId"] = "64233" }),
        ("create-union", new() { ["NewUnion.Name"] = "Taken over" }),
        ("join-union", new() { ["Join.ShopId"] = "64233", ["Join.UnionId"] = "1" }),
    ];

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == action).ToListAsync());

    private Task<string> FingerprintAsync() => gateway.WithDbAsync(async db =>
        string.Join(';', await db.Shops.OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.OneClickEnabled}:{s.OneClickRequest}:{s.CustomerUnionId}").ToListAsync())
        + $"|{await db.CustomerUnions.CountAsync()}|{await db.AuditEntries.CountAsync()}");

    [Fact]
    public async Task One_click_request_approved_by_an_administrator_turns_on_the_remember_offer()
    {
        var owner = await OwnerAsync();
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase())).Document.QuerySelector("#card-remember").ShouldBeNull();
        await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Request One Click");
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var page = await admin.GetAsync(AdminUrl);
        page.Text.ShouldContain("One Click requests");

        var approved = await admin.SubmitAsync(page, "Approve One Click for");

        approved.Text.ShouldContain("One Click is on for");
        approved.Text.ShouldContain("No pending requests.");
        (await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).OneClickEnabled.ShouldBeTrue();
        (await owner.GetAsync(ShopUrl)).Document.GetElementById("one-click-status")!.TextContent.ShouldBe("On");
        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase());
        order.Document.QuerySelector("label[for=card-remember]")!.TextContent.ShouldBe("Remember my card for future purchases");
        var entry = (await AuditAsync("shop.oneclick.approve")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        entry.After.ShouldNotBeNull().ShouldContain("On");
        (await AuditAsync("shop.oneclick.request")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task One_click_request_refused_stays_off_and_the_owner_may_ask_again()
    {
        var owner = await OwnerAsync();
        await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Request One Click");
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        var refused = await admin.SubmitAsync(await admin.GetAsync(AdminUrl), "Refuse One Click for");

        refused.Text.ShouldContain("One Click is refused for");
        var shop = await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId));
        shop.OneClickEnabled.ShouldBeFalse();
        shop.OneClickRequest.ShouldBe(OneClickRequest.Refused);
        var ownerPage = await owner.GetAsync(ShopUrl);
        ownerPage.Document.GetElementById("one-click-status")!.TextContent.ShouldBe("Refused");
        (await owner.SubmitAsync(ownerPage, "Request One Click")).Document.GetElementById("one-click-status")!.TextContent.ShouldBe("Requested");
        (await AuditAsync("shop.oneclick.refuse")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Approve_without_a_pending_request_is_refused_with_a_message()
    {
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        var response = await BackOfficeForms.PostAsync(admin, AdminUrl, "approve-one-click", new() { ["Approve.ShopId"] = "64233" });

        (await response.Content.ReadAsStringAsync()).ShouldContain("no pending One Click request");
        (await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).OneClickEnabled.ShouldBeFalse();
    }

    [Fact]
    public async Task Union_created_and_joined_by_two_shops_shares_the_customer_wallet()
    {
        gateway.Set("OneClick:Seed:OneClickEnabled", "true");
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == OtherShopId)).SetOneClick(true);
            return await db.SaveChangesAsync();
        });
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var page = await admin.GetAsync(AdminUrl);
        page.Text.ShouldContain("stay in the old union");

        var created = await admin.SubmitAsync(page, "Create union", new() { ["NewUnion.Name"] = "Cam group" });
        created.Text.ShouldContain("Cam group");
        var unionId = await gateway.WithDbAsync(db => db.CustomerUnions.Where(u => u.Name == "Cam group").Select(u => u.Id).SingleAsync());
        foreach (var shopId in new[] { GatewayFactory.ShopId, OtherShopId })
        {
            var joined = await admin.SubmitAsync(await admin.GetAsync(AdminUrl), "Move shop to union", new()
            {
                ["Join.ShopId"] = shopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Join.UnionId"] = unionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            joined.Text.ShouldContain($"is now in union #{unionId}");
        }

        // A customer who saved a card at one shop pays with it at the other.
        var first = Buyer.Of(gateway);
        (await first.PayAsync(await first.StartAsync(Merchant.Purchase(customerNumber: "c-1")))).Heading.ShouldBe("Payment approved");
        var other = await Buyer.Of(gateway).StartAsync(Merchant.Purchase("4.00", shopId: OtherShopId, customerNumber: "c-1"), OtherKey);
        other.Heading.ShouldBe("Pay with your saved card");
        (await AuditAsync("union.create")).ShouldHaveSingleItem().After.ShouldNotBeNull().ShouldContain("Cam group");
        var joins = await AuditAsync("union.join");
        joins.Count.ShouldBe(2);
        joins.ShouldContain(e => e.Subject == $"shop {OtherShopId}" && e.After!.Contains($"\"unionId\":{unionId}"));
    }

    [Fact]
    public async Task Create_union_without_a_name_and_join_without_choices_say_so()
    {
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var before = await FingerprintAsync();

        var noName = await admin.SubmitAsync(await admin.GetAsync(AdminUrl), "Create union", new() { ["NewUnion.Name"] = " " });
        var noChoice = await admin.SubmitAsync(await admin.GetAsync(AdminUrl), "Move shop to union", new() { ["Join.ShopId"] = "", ["Join.UnionId"] = "" });

        noName.FieldMessage("Union name").ShouldBe("Enter a name for the union.");
        noChoice.FieldMessage("Shop").ShouldBe("Choose a shop.");
        noChoice.FieldMessage("Union").ShouldBe("Choose a union.");
        (await FingerprintAsync()).ShouldBe(before);
    }

    // The authorization matrix of the Administration section.

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_on_the_page_and_every_post()
    {
        var anonymous = Buyer.Of(gateway);
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync(AdminUrl), "GET");
        foreach (var (form, fields) in Posts)
        {
            BackOfficeForms.ShouldAskToSignIn(await BackOfficeForms.PostAsync(anonymous, AdminUrl, form, fields), "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData(StaffRoles.Owner, true)]
    [InlineData(StaffRoles.Staff, true)]
    [InlineData(StaffRoles.Owner, false)]
    [InlineData(StaffRoles.Staff, false)]
    public async Task Owners_and_staff_of_any_merchant_are_refused_on_the_page_and_every_post(string role, bool ownMerchant)
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var merchant = ownMerchant ? await BackOfficeStaff.SeededMerchantIdAsync(gateway) : await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, merchant);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).RequestOneClick();
            return await db.SaveChangesAsync();
        });
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldBeDenied(await person.Client.GetAsync(AdminUrl), "GET");
        foreach (var (form, fields) in Posts)
        {
            BackOfficeForms.ShouldBeDenied(await BackOfficeForms.PostAsync(person, AdminUrl, form, fields), "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
        (await person.GetAsync("/account")).Document.QuerySelector("a[href='/account/admin']").ShouldBeNull();
    }

    [Fact]
    public async Task Administrator_may_open_the_page_and_post_every_form()
    {
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        (await admin.Client.GetAsync(AdminUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (form, fields) in Posts)
        {
            (await BackOfficeForms.PostAsync(admin, AdminUrl, form, fields)).StatusCode.ShouldBe(HttpStatusCode.OK, "POST " + form);
        }
    }
}
