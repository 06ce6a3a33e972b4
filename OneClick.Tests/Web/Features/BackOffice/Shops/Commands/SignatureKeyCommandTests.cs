using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.BackOffice.Shops.Commands;

/// <summary><see cref="CreateSignatureKey"/> and <see cref="RetireSignatureKey"/>: a rotation, and what each refuses.</summary>
public sealed class SignatureKeyCommandTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string OtherKey = "OtherShopKey-0123456789abcdef";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<Shop> ShopAsync(int id = GatewayFactory.ShopId) =>
        gateway.WithDbAsync(db => db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == id));

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync());

    private async Task<CommandCaller> OwnerAsync() =>
        await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    [Fact]
    public async Task CreateSignatureKey_for_another_merchants_shop_is_NotFound_and_adds_no_key()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var stranger = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        await using var request = stranger.Open();

        var outcome = await request.Get<CreateSignatureKey>().RunAsync(GatewayFactory.ShopId, CancellationToken.None);

        outcome.ShouldBeOfType<CreateSignatureKeyOutcome.NotFound>();
        request.ShouldTrackNothing();
        (await ShopAsync()).SignatureKeys.Count.ShouldBe(1);
        (await AuditAsync(CreateSignatureKey.Action)).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateSignatureKey_a_third_time_is_TooManyKeys_and_leaves_nothing_tracked()
    {
        var owner = await OwnerAsync();
        await using (var first = owner.Open())
        {
            (await first.Get<CreateSignatureKey>().RunAsync(GatewayFactory.ShopId, CancellationToken.None)).ShouldBeOfType<CreateSignatureKeyOutcome.Created>();
        }

        await using var request = owner.Open();
        var outcome = await request.Get<CreateSignatureKey>().RunAsync(GatewayFactory.ShopId, CancellationToken.None);

        outcome.ShouldBeOfType<CreateSignatureKeyOutcome.TooManyKeys>();
        request.ShouldTrackNothing();
        (await ShopAsync()).ActiveKeys.Count().ShouldBe(2);
        (await AuditAsync(CreateSignatureKey.Action)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task CreateSignatureKey_audits_the_count_of_active_keys_and_never_the_key()
    {
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        var created = (await request.Get<CreateSignatureKey>().RunAsync(GatewayFactory.ShopId, CancellationToken.None)).ShouldBeOfType<CreateSignatureKeyOutcome.Created>();

        created.Secret.Length.ShouldBe(32);
        (await ShopAsync()).SigningKey.ShouldBe(created.Secret);
        var entry = (await AuditAsync(CreateSignatureKey.Action)).ShouldHaveSingleItem();
        entry.After.ShouldNotBeNull().ShouldContain("\"activeKeys\":2");
        entry.After.ShouldNotContain(created.Secret);
    }

    [Fact]
    public async Task RetireSignatureKey_with_the_key_of_another_shop_is_NotActive_and_retires_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var otherKeyId = (await ShopAsync(OtherShopId)).SignatureKeys.Single().Id;
        var owner = await OwnerAsync();
        await using (var first = owner.Open())
        {
            await first.Get<CreateSignatureKey>().RunAsync(GatewayFactory.ShopId, CancellationToken.None);
        }

        await using var request = owner.Open();
        var outcome = await request.Get<RetireSignatureKey>().RunAsync(GatewayFactory.ShopId, otherKeyId, CancellationToken.None);

        outcome.ShouldBeOfType<RetireSignatureKeyOutcome.NotActive>();
        request.ShouldTrackNothing();
        (await ShopAsync(OtherShopId)).ActiveKeys.ShouldBe([OtherKey]);
        (await ShopAsync()).ActiveKeys.Count().ShouldBe(2);
        (await AuditAsync(RetireSignatureKey.Action)).ShouldBeEmpty();
    }

    [Fact]
    public async Task RetireSignatureKey_of_the_only_active_key_is_LastActiveKey_and_leaves_nothing_tracked()
    {
        var owner = await OwnerAsync();
        var keyId = (await ShopAsync()).SignatureKeys.Single().Id;
        await using var request = owner.Open();

        var outcome = await request.Get<RetireSignatureKey>().RunAsync(GatewayFactory.ShopId, keyId, CancellationToken.None);

        outcome.ShouldBeOfType<RetireSignatureKeyOutcome.LastActiveKey>();
        request.ShouldTrackNothing();
        (await ShopAsync()).ActiveKeys.ShouldBe([GatewayFactory.SignatureKey]);
    }

    [Fact]
    public async Task RetireSignatureKey_by_an_administrator_retires_another_merchants_key_and_audits_it_for_that_merchant()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var oldKeyId = (await ShopAsync(OtherShopId)).SignatureKeys.Single().Id;
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using (var first = admin.Open())
        {
            await first.Get<CreateSignatureKey>().RunAsync(OtherShopId, CancellationToken.None);
        }

        await using var request = admin.Open();
        var outcome = await request.Get<RetireSignatureKey>().RunAsync(OtherShopId, oldKeyId, CancellationToken.None);

        outcome.ShouldBe(new RetireSignatureKeyOutcome.Retired(oldKeyId));
        (await ShopAsync(OtherShopId)).ActiveKeys.ShouldNotContain(OtherKey);
        var entry = (await AuditAsync(RetireSignatureKey.Action)).ShouldHaveSingleItem();
        (entry.Subject, entry.MerchantId).ShouldBe(($"shop {OtherShopId}", await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId)));
        entry.After.ShouldNotBeNull().ShouldContain($"\"keyId\":{oldKeyId}");
    }
}
