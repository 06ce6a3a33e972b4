using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Administration.Commands;
using OneClick.Web.Features.Staff;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;

namespace OneClick.Tests.Web.Features.BackOffice.Administration.Commands;

public sealed class AnswerOneClickRequestTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<(bool Enabled, OneClickRequest Request)> OneClickAsync() => gateway.WithDbAsync(async db =>
    {
        var shop = await db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => new { s.OneClickEnabled, s.OneClickRequest }).SingleAsync();
        return (shop.OneClickEnabled, shop.OneClickRequest);
    });

    private Task<int> RequestedAsync() => gateway.WithDbAsync(async db =>
    {
        (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).RequestOneClick();
        return await db.SaveChangesAsync();
    });

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync() =>
        gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action.StartsWith("shop.oneclick.")).ToListAsync());

    [Theory]
    [InlineData(StaffRoles.Owner)]
    [InlineData(StaffRoles.Staff)]
    public async Task RunAsync_by_anyone_but_an_administrator_is_NotAllowed_and_answers_nothing(string role)
    {
        await RequestedAsync();
        var person = await CommandCaller.SignedInAsync(gateway, role, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await using var request = person.Open();

        var outcome = await request.Get<AnswerOneClickRequest>().RunAsync(GatewayFactory.ShopId, approve: true, CancellationToken.None);

        outcome.ShouldBeOfType<AnswerOneClickRequestOutcome.NotAllowed>();
        (await OneClickAsync()).ShouldBe((false, OneClickRequest.Requested));
        (await AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_without_a_pending_request_is_NotPending_and_leaves_nothing_tracked()
    {
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        var outcome = await request.Get<AnswerOneClickRequest>().RunAsync(GatewayFactory.ShopId, approve: true, CancellationToken.None);

        outcome.ShouldBeOfType<AnswerOneClickRequestOutcome.NotPending>().Reason.ShouldBe("This shop has no pending One Click request.");
        request.ShouldTrackNothing();
        (await OneClickAsync()).ShouldBe((false, OneClickRequest.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(999999)]
    public async Task RunAsync_for_no_shop_is_NotFound(int? shopId)
    {
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        (await request.Get<AnswerOneClickRequest>().RunAsync(shopId, approve: false, CancellationToken.None)).ShouldBeOfType<AnswerOneClickRequestOutcome.NotFound>();
    }

    [Fact]
    public async Task RunAsync_approving_turns_One_Click_on_with_an_audit_row_for_the_shops_merchant()
    {
        await RequestedAsync();
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        var outcome = await request.Get<AnswerOneClickRequest>().RunAsync(GatewayFactory.ShopId, approve: true, CancellationToken.None);

        outcome.ShouldBeOfType<AnswerOneClickRequestOutcome.Answered>().Approved.ShouldBeTrue();
        (await OneClickAsync()).ShouldBe((true, OneClickRequest.Approved));
        var entry = (await AuditAsync()).ShouldHaveSingleItem();
        (entry.Action, entry.Subject, entry.MerchantId).ShouldBe((AnswerOneClickRequest.ApproveAction, "shop 64233", await BackOfficeStaff.SeededMerchantIdAsync(gateway)));
        (entry.Before, entry.After).ShouldBe(("{\"oneClick\":\"Requested\"}", "{\"oneClick\":\"On\"}"));
    }

    [Fact]
    public async Task RunAsync_refusing_keeps_One_Click_off_with_a_refuse_audit_row()
    {
        await RequestedAsync();
        var admin = await CommandCaller.SignedInAsync(gateway, StaffRoles.Administrator, null);
        await using var request = admin.Open();

        var outcome = await request.Get<AnswerOneClickRequest>().RunAsync(GatewayFactory.ShopId, approve: false, CancellationToken.None);

        outcome.ShouldBeOfType<AnswerOneClickRequestOutcome.Answered>().Approved.ShouldBeFalse();
        (await OneClickAsync()).ShouldBe((false, OneClickRequest.Refused));
        (await AuditAsync()).ShouldHaveSingleItem().Action.ShouldBe(AnswerOneClickRequest.RefuseAction);
    }
}
