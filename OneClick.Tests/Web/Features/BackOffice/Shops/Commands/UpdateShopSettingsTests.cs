using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops.Commands;

public sealed class UpdateShopSettingsTests : IDisposable
{
    private const int OtherShopId = 70020;

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<Shop> ShopAsync(int id = GatewayFactory.ShopId) =>
        gateway.WithDbAsync(db => db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == id));

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync() =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == UpdateShopSettings.Action).ToListAsync());

    private async Task<ShopSettingsForm> RenamedAsync(string name, int shopId = GatewayFactory.ShopId)
    {
        var form = ShopSettingsForm.From(await ShopAsync(shopId));
        form.Name = name;
        return form;
    }

    [Fact]
    public async Task RunAsync_for_another_merchants_shop_is_NotFound_and_saves_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var stranger = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        var name = (await ShopAsync()).Name;
        await using var request = stranger.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(GatewayFactory.ShopId, await RenamedAsync("Taken over"), CancellationToken.None);

        outcome.ShouldBeOfType<UpdateShopSettingsOutcome.NotFound>();
        request.ShouldTrackNothing();
        (await ShopAsync()).Name.ShouldBe(name);
        (await AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_by_a_staff_member_of_the_shops_own_merchant_is_NotFound()
    {
        var staff = await CommandCaller.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await using var request = staff.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(GatewayFactory.ShopId, await RenamedAsync("Renamed by staff"), CancellationToken.None);

        outcome.ShouldBeOfType<UpdateShopSettingsOutcome.NotFound>();
        (await ShopAsync()).Name.ShouldNotBe("Renamed by staff");
    }

    [Fact]
    public async Task RunAsync_with_one_bad_field_is_Refused_with_its_message_and_leaves_nothing_for_a_later_save()
    {
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var name = (await ShopAsync()).Name;
        var form = await RenamedAsync("Renamed");
        form.SavedCardMinimumPayments = "101";
        form.Currencies.Single(c => c.Code == "EUR").PerDay = "50.00";
        await using var request = owner.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(GatewayFactory.ShopId, form, CancellationToken.None);

        var refused = outcome.ShouldBeOfType<UpdateShopSettingsOutcome.Refused>();
        refused.Errors.Keys.ShouldBe(["SavedCardMinimumPayments"]);
        request.ShouldTrackNothing();
        (await request.Db.SaveChangesAsync()).ShouldBe(0);
        var shop = await ShopAsync();
        shop.Name.ShouldBe(name);
        shop.TurnoverLimits.ShouldBeEmpty();
        (await AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_with_a_new_name_saves_it_with_one_audit_row_of_the_changed_field()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        var name = (await ShopAsync()).Name;
        await using var request = owner.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(GatewayFactory.ShopId, await RenamedAsync("  Renamed "), CancellationToken.None);

        outcome.ShouldBe(new UpdateShopSettingsOutcome.Saved(Changed: true));
        (await ShopAsync()).Name.ShouldBe("Renamed");
        var entry = (await AuditAsync()).ShouldHaveSingleItem();
        (entry.Subject, entry.MerchantId).ShouldBe(("shop 64233", merchantId));
        entry.Before.ShouldBe($"{{\"name\":\"{name}\"}}");
        entry.After.ShouldBe("{\"name\":\"Renamed\"}");
    }

    [Fact]
    public async Task RunAsync_with_the_settings_as_they_are_is_Saved_unchanged_without_an_audit_row()
    {
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var form = ShopSettingsForm.From(await ShopAsync());
        await using var request = owner.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(GatewayFactory.ShopId, form, CancellationToken.None);

        outcome.ShouldBe(new UpdateShopSettingsOutcome.Saved(Changed: false));
        (await AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_by_an_administrator_changes_any_merchants_shop_and_audits_it_for_that_merchant()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        var outcome = await request.Get<UpdateShopSettings>().RunAsync(OtherShopId, await RenamedAsync("Checked by admin", OtherShopId), CancellationToken.None);

        outcome.ShouldBe(new UpdateShopSettingsOutcome.Saved(Changed: true));
        (await ShopAsync(OtherShopId)).Name.ShouldBe("Checked by admin");
        (await AuditAsync()).ShouldHaveSingleItem().MerchantId.ShouldBe(await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
    }
}
