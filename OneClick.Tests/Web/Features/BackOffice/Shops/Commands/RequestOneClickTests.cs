using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;

namespace OneClick.Tests.Web.Features.BackOffice.Shops.Commands;

public sealed class RequestOneClickTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<OneClickRequest> RequestAsync() =>
        gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.OneClickRequest).SingleAsync());

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync() =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == RequestOneClick.Action).ToListAsync());

    [Fact]
    public async Task RunAsync_twice_is_Refused_the_second_time_with_one_audit_row()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        await using (var first = owner.Open())
        {
            (await first.Get<RequestOneClick>().RunAsync(GatewayFactory.ShopId, CancellationToken.None)).ShouldBeOfType<RequestOneClickOutcome.Requested>();
        }

        await using var request = owner.Open();
        var outcome = await request.Get<RequestOneClick>().RunAsync(GatewayFactory.ShopId, CancellationToken.None);

        outcome.ShouldBe(new RequestOneClickOutcome.Refused("One Click has already been requested for this shop."));
        request.ShouldTrackNothing();
        (await RequestAsync()).ShouldBe(OneClickRequest.Requested);
        var entry = (await AuditAsync()).ShouldHaveSingleItem();
        (entry.Subject, entry.MerchantId, entry.Before, entry.After).ShouldBe(("shop 64233", merchantId, "{\"oneClick\":\"Not requested\"}", "{\"oneClick\":\"Requested\"}"));
    }

    [Fact]
    public async Task RunAsync_by_a_staff_member_of_the_shops_own_merchant_is_NotFound_and_asks_nothing()
    {
        var staff = await CommandCaller.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await using var request = staff.Open();

        var outcome = await request.Get<RequestOneClick>().RunAsync(GatewayFactory.ShopId, CancellationToken.None);

        outcome.ShouldBeOfType<RequestOneClickOutcome.NotFound>();
        (await RequestAsync()).ShouldBe(OneClickRequest.None);
        (await AuditAsync()).ShouldBeEmpty();
    }
}
