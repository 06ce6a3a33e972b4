using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Shops.Commands;

public sealed class CreateShopTests : IDisposable
{
    private const int NewShopId = 81001;

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private static ShopCreationForm NewShop(int shopId = NewShopId, string? merchantId = null) => new()
    {
        ShopId = shopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Name = "Second Shop",
        WebsiteUrl = "https://second.test/",
        MerchantId = merchantId,
    };

    private Task<int> ShopCountAsync() => gateway.WithDbAsync(db => db.Shops.CountAsync());

    private Task<int> AuditCountAsync() => gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == CreateShop.Action));

    [Fact]
    public async Task RunAsync_by_a_staff_member_is_NotAllowed_and_creates_nothing()
    {
        var staff = await CommandCaller.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await using var request = staff.Open();

        var outcome = await request.Get<CreateShop>().RunAsync(NewShop(), CancellationToken.None);

        outcome.ShouldBeOfType<CreateShopOutcome.NotAllowed>();
        (await ShopCountAsync()).ShouldBe(1);
        (await AuditCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_by_an_administrator_for_a_merchant_that_does_not_exist_is_Refused_on_the_merchant()
    {
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        var outcome = await request.Get<CreateShop>().RunAsync(NewShop(merchantId: "999999"), CancellationToken.None);

        outcome.ShouldBeOfType<CreateShopOutcome.Refused>().Errors.ShouldHaveSingleItem().ShouldBe(new("MerchantId", "Choose the merchant the shop belongs to."));
        request.ShouldTrackNothing();
        (await ShopCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_with_a_taken_shop_id_is_Refused_on_the_shop_id_and_creates_nothing()
    {
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await using var request = owner.Open();

        var outcome = await request.Get<CreateShop>().RunAsync(NewShop(GatewayFactory.ShopId), CancellationToken.None);

        outcome.ShouldBeOfType<CreateShopOutcome.Refused>().Errors["ShopId"].ShouldBe("shopID 64233 is already taken: choose another number.");
        request.ShouldTrackNothing();
        (await AuditCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_by_an_owner_ignores_a_posted_merchant_and_audits_the_shop_for_their_own()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        await using var request = owner.Open();

        var outcome = await request.Get<CreateShop>().RunAsync(NewShop(merchantId: "999999"), CancellationToken.None);

        var created = outcome.ShouldBeOfType<CreateShopOutcome.Created>();
        (created.ShopId, created.Name, created.SignatureKey.Length).ShouldBe((NewShopId, "Second Shop", 32));
        (await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == NewShopId).Select(s => s.MerchantId).SingleAsync())).ShouldBe(merchantId);
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == CreateShop.Action));
        (entry.Subject, entry.MerchantId).ShouldBe(("shop 81001", merchantId));
        entry.After.ShouldNotBeNull().ShouldNotContain(created.SignatureKey);
    }
}
