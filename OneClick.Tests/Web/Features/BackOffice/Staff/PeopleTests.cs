using System.Net;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Audit.Queries;
using OneClick.Web.Features.BackOffice.Shops.Queries;
using OneClick.Web.Features.BackOffice.Staff;
using OneClick.Web.Features.BackOffice.Staff.Commands;
using OneClick.Web.Features.BackOffice.Staff.Queries;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Staff;

/// <summary>
/// /account/staff as a person's circuit runs it (bUnit, on a real gateway): the people of the
/// person's merchant (every merchant's, for an administrator), added through the form's rules and
/// InvitePerson, removed once confirmed in a dialog; never another merchant's.
/// </summary>
public sealed class PeopleTests : IAsyncLifetime, IDisposable
{
    private const string Clerk = "clerk@shop.test";
    private const string OwnerRole = "Owner: also shops, keys, people, settings";

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public PeopleTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Owner_sees_their_merchants_people_only_and_may_remove_all_but_themselves()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var otherMerchant = await OtherMerchantAsync();
        await PersonAsync(StaffRoles.Staff, merchantId, Clerk);
        await PersonAsync(StaffRoles.Owner, otherMerchant, "other-owner@other.test");
        var owner = await context.ActAsNewAsync(StaffRoles.Owner, merchantId, "owner@shop.test");

        var page = await OpenAsync();

        page.FindAll("table thead th").Select(h => h.TextContent.Trim()).ShouldBe(["Email", "Name", "Role", "Two-factor", "Status", "Actions"]);
        var rows = Rows(page);
        rows.Select(r => r[0]).ShouldBe([Clerk, "owner@shop.test"]);
        rows[0].Take(5).ShouldBe([Clerk, Clerk, StaffRoles.Staff, "Off", "Active"]);
        page.Markup.ShouldNotContain("other-owner@other.test");
        Buttons(page).ShouldContain("Remove " + Clerk);
        Buttons(page).ShouldNotContain("Remove " + owner.Email);
        page.Find("#add-person-heading").TextContent.ShouldBe("Add a person");
    }

    [Fact]
    public async Task Administrator_sees_every_merchants_people_and_may_invite_no_one()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var otherMerchant = await OtherMerchantAsync();
        await PersonAsync(StaffRoles.Staff, merchantId, Clerk);
        await PersonAsync(StaffRoles.Owner, otherMerchant, "other-owner@other.test");
        await PersonAsync(StaffRoles.Administrator, null, "another-admin@gateway.test");
        var admin = await context.ActAsNewAsync(StaffRoles.Administrator, null, "admin@gateway.test");

        var page = await OpenAsync();

        Rows(page).Select(r => r[0]).ShouldBe(["admin@gateway.test", "another-admin@gateway.test", Clerk, "other-owner@other.test"]);
        Buttons(page).Where(b => b.StartsWith("Remove", StringComparison.Ordinal)).ShouldBe(["Remove " + Clerk, "Remove other-owner@other.test"]);
        page.FindAll("#add-person-heading").ShouldBeEmpty();
        admin.MerchantId.ShouldBeNull();
    }

    [Fact]
    public async Task Remove_confirmed_takes_away_the_sign_in_and_is_audited_with_the_removal()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var clerk = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, merchantId, Clerk);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();

        page.Press("Remove " + Clerk);
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain($"Remove {Clerk}?"));
        page.Find(".mud-dialog").TextContent.ShouldContain("can no longer sign in: their access ends at once");
        page.Press("Yes, remove");

        page.Snackbar().ShouldContain($"{Clerk} can no longer sign in.");
        page.WaitForAssertion(() => Rows(page).Select(r => r[0]).ShouldNotContain(Clerk));
        (await UserAsync(Clerk)).ShouldBeNull();
        var audit = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "staff.remove"));
        audit.Subject.ShouldBe($"person {Clerk}");
        audit.MerchantId.ShouldBe(merchantId);
        (await clerk.Client.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Remove_dialog_cancelled_removes_nobody()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await PersonAsync(StaffRoles.Staff, merchantId, Clerk);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();

        page.Press("Remove " + Clerk);
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldHaveSingleItem());
        // A second press while the dialog is open opens no second one.
        page.Button("Remove " + Clerk).HasAttribute("disabled").ShouldBeTrue();
        page.Press("Cancel");

        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        page.WaitForAssertion(() => page.Button("Remove " + Clerk).HasAttribute("disabled").ShouldBeFalse());
        (await UserAsync(Clerk)).ShouldNotBeNull();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Remove_of_someone_removed_meanwhile_says_so_and_the_list_follows()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var clerk = await PersonAsync(StaffRoles.Staff, merchantId, Clerk);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();
        var otherOwner = await PersonAsync(StaffRoles.Owner, merchantId, "second-owner@shop.test");
        (await AccountPageContext.RunAsPersonAsync(gateway, otherOwner.Email!, (RemovePerson remove) => remove.RunAsync(clerk.Id, CancellationToken.None)))
            .ShouldBeOfType<RemovePersonOutcome.Removed>();

        page.Press("Remove " + Clerk);
        page.Press("Yes, remove");

        page.Snackbar().ShouldContain($"{Clerk} is not one of your people any more: nothing was removed.");
        page.WaitForAssertion(() => Rows(page).Select(r => r[0]).ShouldNotContain(Clerk));
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.remove"))).ShouldBe(1);
    }

    [Fact]
    public async Task Remove_of_another_merchants_person_is_refused_and_changes_nothing()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var victim = await PersonAsync(StaffRoles.Staff, await OtherMerchantAsync(), "victim@other.test");
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();

        // As a crafted circuit message would ask, whatever the page shows.
        var forged = await context.RunAsync((RemovePerson remove) => remove.RunAsync(victim.Id, CancellationToken.None));

        forged.ShouldBeOfType<RemovePersonOutcome.NotFound>();
        page.Markup.ShouldNotContain("victim@other.test");
        (await UserAsync("victim@other.test")).ShouldNotBeNull();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.remove"))).ShouldBe(0);
    }

    [Fact]
    public async Task Invite_adds_the_person_with_the_chosen_role_and_lists_them()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();

        page.Type("Email", "new-owner@shop.test");
        page.Type("Name", "New Owner");
        page.Choose("Role", OwnerRole);
        page.Press("Invite");

        // This gateway has no public URL to link to: the person is added, and the owner is told.
        page.Snackbar().ShouldContain("new-owner@shop.test is added, but no e-mail could be sent (the gateway's public URL is not configured).");
        page.WaitForAssertion(() => Rows(page).Single(r => r[0] == "new-owner@shop.test").Take(5).ShouldBe(["new-owner@shop.test", "New Owner", StaffRoles.Owner, "Off", "Invited"]));
        page.Field("Email").GetAttribute("value").ShouldBeNullOrEmpty();
        var person = (await UserAsync("new-owner@shop.test")).ShouldNotBeNull();
        person.MerchantId.ShouldBe(merchantId);
        var audit = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "staff.add"));
        audit.After.ShouldNotBeNull().ShouldContain(StaffRoles.Owner);
    }

    [Fact]
    public async Task Invite_with_fields_missing_or_malformed_says_the_rules_and_adds_nobody()
    {
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var page = await OpenAsync();
        var people = await gateway.WithDbAsync(db => db.Users.CountAsync());

        page.Press("Invite");

        page.WaitForAssertion(() => page.FieldMessage("Email").ShouldBe("Enter the person's email address."));
        page.FieldMessage("Name").ShouldBe("Enter the person's name.");
        page.Type("Email", "not-an-address");
        page.WaitForAssertion(() => page.FieldMessage("Email").ShouldBe("Enter an email address such as name@example.com."));
        page.Type("Name", "Someone");
        page.Press("Invite");
        page.WaitForAssertion(() => page.FieldMessage("Name").ShouldBeEmpty());
        page.FieldMessage("Email").ShouldBe("Enter an email address such as name@example.com.");
        (await gateway.WithDbAsync(db => db.Users.CountAsync())).ShouldBe(people);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Invite_of_a_taken_address_is_refused_on_its_field_without_an_audit_entry()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await PersonAsync(StaffRoles.Staff, merchantId, "taken@shop.test");
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId);
        var page = await OpenAsync();

        page.Type("Email", "taken@shop.test");
        page.Type("Name", "Again");
        page.Choose("Role", OwnerRole);
        page.Press("Invite");

        page.WaitForAssertion(() => page.FieldMessage("Email").ShouldBe("This address cannot be invited. Use another address."));
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.add"))).ShouldBe(0);
        (await UserAsync("taken@shop.test"))!.DisplayName.ShouldBe("taken@shop.test");
        // Another address is free to try: the refusal was about that one.
        page.Type("Email", "free@shop.test");
        page.WaitForAssertion(() => page.FieldMessage("Email").ShouldBeEmpty());
    }

    [Fact]
    public async Task Invite_of_one_address_twice_at_once_adds_one_person_and_one_audit_entry()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var owner = await PersonAsync(StaffRoles.Owner, merchantId, "owner@shop.test");

        // Two circuits of the owner (two tabs) ask at once.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => AccountPageContext.RunAsPersonAsync(gateway, owner.Email!,
            (InvitePerson invite) => invite.RunAsync("twice@shop.test", "Twice", StaffRoles.Staff, "http://localhost/", CancellationToken.None))));

        outcomes.OfType<InvitePersonOutcome.Invited>().ShouldHaveSingleItem();
        outcomes.OfType<InvitePersonOutcome.EmailRefused>().ShouldHaveSingleItem().Message.ShouldBe("This address cannot be invited. Use another address.");
        (await gateway.WithDbAsync(db => db.Users.CountAsync(u => u.Email == "twice@shop.test"))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "staff.add"))).ShouldBe(1);
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

    /// <summary>Opens the People page as the person the context acts as, once their people are listed (one page at a time, as in a tab).</summary>
    private async Task<IRenderedComponent<StaffPage>> OpenAsync()
    {
        await context.DisposeComponentsAsync();
        var page = context.Render<StaffPage>();
        page.WaitForAssertion(() => Rows(page).ShouldNotBeEmpty("the person sees at least themselves"));
        return page;
    }

    /// <summary>The grid's rows: their cells' text, spaces collapsed.</summary>
    private static List<List<string>> Rows(IRenderedComponent<StaffPage> page) =>
        [.. page.FindAll("table tbody tr").Where(r => r.QuerySelectorAll("td").Length > 1)
            .Select(r => r.QuerySelectorAll("td").Select(td => string.Join(' ', td.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList())];

    private static List<string> Buttons(IRenderedComponent<StaffPage> page) => [.. page.FindAll("button").Select(b => b.TextContent.Trim())];

    private async Task<int> OtherMerchantAsync() =>
        await BackOfficeStaff.MerchantOfShopAsync(gateway, await gateway.AddShopAsync(70020, "OtherShopKey-0123456789abcdef", null));

    private async Task<StaffUser> PersonAsync(string role, int? merchantId, string email)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await BackOfficeStaff.CreatePersonAsync(gateway, scope.ServiceProvider, role, merchantId, email);
    }

    private async Task<StaffUser?> UserAsync(string email)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email);
    }
}
