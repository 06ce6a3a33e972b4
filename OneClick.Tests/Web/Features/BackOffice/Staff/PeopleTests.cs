using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Audit.Queries;
using OneClick.Web.Features.BackOffice.Shops.Queries;
using OneClick.Web.Features.BackOffice.Staff.Commands;
using OneClick.Web.Features.BackOffice.Staff.Queries;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Staff;

/// <summary>The people page's commands: InvitePerson and RemovePerson, over real HTTP.</summary>
public sealed class PeopleTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Remove_takes_away_the_sign_in_and_is_audited_with_the_removal()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        var clerk = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, merchantId, "clerk@shop.test");

        var page = await owner.SubmitAsync(await owner.GetAsync("/account/staff"), "Remove clerk@shop.test");

        page.Text.ShouldContain("clerk@shop.test can no longer sign in.");
        (await UserAsync("clerk@shop.test")).ShouldBeNull();
        var audit = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "staff.remove"));
        audit.Subject.ShouldBe("person clerk@shop.test");
        audit.MerchantId.ShouldBe(merchantId);
        (await clerk.Client.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Remove_post_for_another_merchants_person_is_refused_and_changes_nothing()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, await gateway.AddShopAsync(70020, "OtherShopKey-0123456789abcdef", null));
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, otherMerchant, "victim@other.test");
        var victim = await UserAsync("victim@other.test");
        var attacker = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, merchantId, "own@shop.test");
        var own = await attacker.GetAsync("/account/staff");
        var ownForm = own.Document.QuerySelectorAll("form").Single(f => f.TextContent.Contains("own@shop.test", StringComparison.Ordinal));
        var fields = ownForm.QuerySelectorAll("input[name]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");

        // Their own remove form, with a valid antiforgery token, renamed to the other merchant's person.
        fields["_handler"] = $"remove-{victim!.Id}";
        var forged = await attacker.Client.PostAsync("/account/staff", new FormUrlEncodedContent(fields));

        ((int)forged.StatusCode).ShouldBeOneOf(400, 404);
        (await UserAsync("victim@other.test")).ShouldNotBeNull();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.remove"))).ShouldBe(0);
    }

    [Fact]
    public async Task Invite_of_one_address_twice_at_once_adds_one_person_and_one_audit_entry()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        var people = await owner.GetAsync("/account/staff");
        var fields = new Dictionary<string, string?> { ["Input.Email"] = "twice@shop.test", ["Input.Name"] = "Twice", ["Input.Role"] = StaffRoles.Staff };

        var pages = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => owner.SubmitAsync(people, "Invite", fields)));

        pages.Count(p => p.Text.Contains("twice@shop.test is", StringComparison.Ordinal)).ShouldBe(1);
        pages.Count(p => p.Text.Contains("This address cannot be invited. Use another address.", StringComparison.Ordinal)).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "twice@shop.test"))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.add"))).ShouldBe(1);
    }

    [Fact]
    public async Task Invite_of_a_taken_address_is_refused_without_an_audit_entry()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, merchantId);
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, merchantId, "taken@shop.test");

        var page = await owner.SubmitAsync(await owner.GetAsync("/account/staff"), "Invite",
            new() { ["Input.Email"] = "taken@shop.test", ["Input.Name"] = "Again", ["Input.Role"] = StaffRoles.Owner });

        page.Text.ShouldContain("This address cannot be invited. Use another address.");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.add"))).ShouldBe(0);
        (await UserAsync("taken@shop.test"))!.DisplayName.ShouldBe("taken@shop.test");
    }

    [Fact]
    public async Task Commands_and_queries_for_owners_called_by_a_staff_member_refuse_and_change_nothing()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await CommandCaller.SignedInAsync(gateway, StaffRoles.Owner, merchantId, "owner@shop.test");
        var staff = await CommandCaller.SignedInAsync(gateway, StaffRoles.Staff, merchantId);
        var owner = await UserAsync("owner@shop.test");

        // The pages' policy keeps staff members out; these are the commands' own checks behind it.
        await using var request = staff.Open();
        (await request.Get<InvitePerson>().RunAsync("new-owner@shop.test", "New", StaffRoles.Owner, "http://localhost/", CancellationToken.None))
            .ShouldBeOfType<InvitePersonOutcome.NotAllowed>();
        (await request.Get<RemovePerson>().RunAsync(owner!.Id, CancellationToken.None)).ShouldBeOfType<RemovePersonOutcome.NotFound>();
        (await request.Get<ShopDetailQuery>().RunAsync(GatewayFactory.ShopId, CancellationToken.None)).ShouldBeNull();
        (await request.Get<ShopListQuery>().RunAsync(CancellationToken.None)).Shops.ShouldBeEmpty();
        (await request.Get<PeopleQuery>().RunAsync(CancellationToken.None)).List.ShouldBeEmpty();
        (await request.Get<AuditLogQuery>().RunAsync(null, 1, CancellationToken.None)).Entries.ShouldBeEmpty();

        (await UserAsync("new-owner@shop.test")).ShouldBeNull();
        (await UserAsync("owner@shop.test")).ShouldNotBeNull();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action.StartsWith("staff.")))).ShouldBe(0);
    }

    private async Task<StaffUser?> UserAsync(string email)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email);
    }
}
