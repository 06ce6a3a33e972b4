using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Administration.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Administration.Commands;

/// <summary><see cref="CreateCustomerUnion"/> and <see cref="JoinShopToUnion"/>: an administrator's only, audited.</summary>
public sealed class CustomerUnionCommandTests : IDisposable
{
    private const int OtherShopId = 70020;

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<int> UnionCountAsync() => gateway.WithDbAsync(db => db.CustomerUnions.CountAsync());

    private Task<int> UnionOfAsync(int shopId) => gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync());

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync());

    private Task<CommandCaller> AdminAsync() => CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);

    [Fact]
    public async Task CreateCustomerUnion_by_an_owner_is_NotAllowed_and_creates_nothing()
    {
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var before = await UnionCountAsync();
        await using var request = owner.Open();

        (await request.Get<CreateCustomerUnion>().RunAsync("Taken over", CancellationToken.None)).ShouldBeOfType<CreateCustomerUnionOutcome.NotAllowed>();

        (await UnionCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task CreateCustomerUnion_takes_200_characters_and_refuses_201()
    {
        var admin = await AdminAsync();
        var before = await UnionCountAsync();
        await using var request = admin.Open();

        (await request.Get<CreateCustomerUnion>().RunAsync(new string('u', 201), CancellationToken.None)).ShouldBeOfType<CreateCustomerUnionOutcome.NameTooLong>();
        request.ShouldTrackNothing();
        (await request.Get<CreateCustomerUnion>().RunAsync("  ", CancellationToken.None)).ShouldBeOfType<CreateCustomerUnionOutcome.NameMissing>();
        (await UnionCountAsync()).ShouldBe(before);
        (await request.Get<CreateCustomerUnion>().RunAsync(new string('u', 200), CancellationToken.None)).ShouldBeOfType<CreateCustomerUnionOutcome.Created>();
        (await UnionCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task CreateCustomerUnion_audits_the_trimmed_name()
    {
        var admin = await AdminAsync();
        await using var request = admin.Open();

        var created = (await request.Get<CreateCustomerUnion>().RunAsync(" Cam group ", CancellationToken.None)).ShouldBeOfType<CreateCustomerUnionOutcome.Created>();

        created.Name.ShouldBe("Cam group");
        var entry = (await AuditAsync(CreateCustomerUnion.Action)).ShouldHaveSingleItem();
        (entry.Subject, entry.MerchantId, entry.After).ShouldBe(("union Cam group", null, "{\"name\":\"Cam group\"}"));
    }

    [Fact]
    public async Task JoinShopToUnion_by_an_owner_is_NotAllowed_and_moves_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var before = await UnionOfAsync(GatewayFactory.ShopId);
        await using var request = owner.Open();

        var outcome = await request.Get<JoinShopToUnion>().RunAsync(GatewayFactory.ShopId, await UnionOfAsync(OtherShopId), CancellationToken.None);

        outcome.ShouldBeOfType<JoinShopToUnionOutcome.NotAllowed>();
        (await UnionOfAsync(GatewayFactory.ShopId)).ShouldBe(before);
    }

    [Fact]
    public async Task JoinShopToUnion_into_its_own_union_is_AlreadyInUnion_and_leaves_nothing_tracked()
    {
        var admin = await AdminAsync();
        await using var request = admin.Open();

        var outcome = await request.Get<JoinShopToUnion>().RunAsync(GatewayFactory.ShopId, await UnionOfAsync(GatewayFactory.ShopId), CancellationToken.None);

        outcome.ShouldBeOfType<JoinShopToUnionOutcome.AlreadyInUnion>();
        request.ShouldTrackNothing();
        (await AuditAsync(JoinShopToUnion.Action)).ShouldBeEmpty();
    }

    [Fact]
    public async Task JoinShopToUnion_with_unknown_ids_says_which_is_missing()
    {
        var admin = await AdminAsync();
        var union = await UnionOfAsync(GatewayFactory.ShopId);
        await using var request = admin.Open();

        (await request.Get<JoinShopToUnion>().RunAsync(999999, union, CancellationToken.None)).ShouldBe(new JoinShopToUnionOutcome.NotFound(ShopMissing: true, UnionMissing: false));
        (await request.Get<JoinShopToUnion>().RunAsync(GatewayFactory.ShopId, null, CancellationToken.None)).ShouldBe(new JoinShopToUnionOutcome.NotFound(ShopMissing: false, UnionMissing: true));
        request.ShouldTrackNothing();
    }

    [Fact]
    public async Task JoinShopToUnion_moves_the_shop_with_an_audit_row_of_both_unions()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var admin = await AdminAsync();
        var from = await UnionOfAsync(OtherShopId);
        var to = await UnionOfAsync(GatewayFactory.ShopId);
        await using var request = admin.Open();

        var outcome = await request.Get<JoinShopToUnion>().RunAsync(OtherShopId, to, CancellationToken.None);

        outcome.ShouldBeOfType<JoinShopToUnionOutcome.Joined>().UnionId.ShouldBe(to);
        (await UnionOfAsync(OtherShopId)).ShouldBe(to);
        var entry = (await AuditAsync(JoinShopToUnion.Action)).ShouldHaveSingleItem();
        (entry.Subject, entry.MerchantId).ShouldBe(($"shop {OtherShopId}", await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId)));
        entry.Before.ShouldBe($"{{\"unionId\":{from},\"union\":\"Other Shop\"}}");
        entry.After.ShouldNotBeNull().ShouldStartWith($"{{\"unionId\":{to},");
    }
}
