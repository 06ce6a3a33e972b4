using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using ApiKey = OneClick.Core.Shops.ApiKey;

namespace OneClick.Tests.Web.Features.BackOffice.Shops.Commands;

/// <summary><see cref="CreateApiKey"/> and <see cref="RevokeApiKey"/>: scoped to the person's shops, audited without the key.</summary>
public sealed class ApiKeyCommandTests : IDisposable
{
    private const int OtherShopId = 70020;

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<List<ApiKey>> KeysAsync() => gateway.WithDbAsync(db => db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync());

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync());

    private async Task<CommandCaller> OwnerAsync() =>
        await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    private async Task<int> CreatedAsync(CommandCaller person, int shopId, string name)
    {
        await using var request = person.Open();
        return (await request.Get<CreateApiKey>().RunAsync(shopId, name, CancellationToken.None)).ShouldBeOfType<CreateApiKeyOutcome.Created>().KeyId;
    }

    [Fact]
    public async Task CreateApiKey_for_another_merchants_shop_is_NotFound_and_stores_no_key()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        var outcome = await request.Get<CreateApiKey>().RunAsync(OtherShopId, "Planted", CancellationToken.None);

        outcome.ShouldBeOfType<CreateApiKeyOutcome.NotFound>();
        request.ShouldTrackNothing();
        (await KeysAsync()).ShouldBeEmpty();
        (await AuditAsync(CreateApiKey.Action)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task CreateApiKey_without_a_name_is_NameMissing(string? name)
    {
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        (await request.Get<CreateApiKey>().RunAsync(GatewayFactory.ShopId, name, CancellationToken.None)).ShouldBeOfType<CreateApiKeyOutcome.NameMissing>();

        request.ShouldTrackNothing();
        (await KeysAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateApiKey_with_a_101_character_name_is_NameTooLong_and_100_is_taken()
    {
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        (await request.Get<CreateApiKey>().RunAsync(GatewayFactory.ShopId, new string('n', 101), CancellationToken.None)).ShouldBeOfType<CreateApiKeyOutcome.NameTooLong>();
        (await KeysAsync()).ShouldBeEmpty();
        (await request.Get<CreateApiKey>().RunAsync(GatewayFactory.ShopId, " " + new string('n', 100) + " ", CancellationToken.None)).ShouldBeOfType<CreateApiKeyOutcome.Created>();
        (await KeysAsync()).ShouldHaveSingleItem().Name.Length.ShouldBe(100);
    }

    [Fact]
    public async Task CreateApiKey_audits_the_name_and_prefix_and_never_the_key()
    {
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        var created = (await request.Get<CreateApiKey>().RunAsync(GatewayFactory.ShopId, "Checkout server", CancellationToken.None)).ShouldBeOfType<CreateApiKeyOutcome.Created>();

        (await KeysAsync()).ShouldHaveSingleItem().KeyHash.ShouldBe(ApiKey.Hash(created.Plaintext));
        var entry = (await AuditAsync(CreateApiKey.Action)).ShouldHaveSingleItem();
        entry.After.ShouldBe($"{{\"name\":\"Checkout server\",\"prefix\":\"{created.Plaintext[..12]}\"}}");
    }

    [Fact]
    public async Task RevokeApiKey_of_another_shops_key_through_an_own_shop_is_NotActive_and_the_key_stays_active()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var otherKeyId = await CreatedAsync(admin, OtherShopId, "Other server");
        var owner = await OwnerAsync();
        await using var request = owner.Open();

        var outcome = await request.Get<RevokeApiKey>().RunAsync(GatewayFactory.ShopId, otherKeyId, CancellationToken.None);

        outcome.ShouldBeOfType<RevokeApiKeyOutcome.NotActive>();
        request.ShouldTrackNothing();
        (await KeysAsync()).ShouldHaveSingleItem().IsActive.ShouldBeTrue();
        (await AuditAsync(RevokeApiKey.Action)).ShouldBeEmpty();
    }

    [Fact]
    public async Task RevokeApiKey_twice_revokes_once_with_one_audit_row()
    {
        var owner = await OwnerAsync();
        var keyId = await CreatedAsync(owner, GatewayFactory.ShopId, "Checkout server");
        await using var request = owner.Open();

        (await request.Get<RevokeApiKey>().RunAsync(GatewayFactory.ShopId, keyId, CancellationToken.None)).ShouldBe(new RevokeApiKeyOutcome.Revoked("Checkout server"));
        var revokedAt = (await KeysAsync()).Single().RevokedAt;
        (await request.Get<RevokeApiKey>().RunAsync(GatewayFactory.ShopId, keyId, CancellationToken.None)).ShouldBeOfType<RevokeApiKeyOutcome.NotActive>();

        revokedAt.ShouldNotBeNull();
        (await KeysAsync()).Single().RevokedAt.ShouldBe(revokedAt);
        (await AuditAsync(RevokeApiKey.Action)).ShouldHaveSingleItem().Subject.ShouldBe("shop 64233");
    }
}
