using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers.Commands;

/// <summary>
/// The one command that sets a customer to Deny or lifts it: scope checked again, the move the
/// entity allows, the audit entry in the change's own save, and changes at the same moment that
/// leave the status and its audit trail agreeing.
/// </summary>
public sealed class SetCustomerStatusTests : IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task RunAsync_for_another_merchants_customer_is_NotFound_and_changes_nothing(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);
        var outsider = await PersonAsync(gateway, role, otherMerchant, "outsider@other.test");

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, outsider, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));

        outcome.ShouldBeOfType<SetCustomerStatusOutcome.NotFound>();
        probe.Saves.ShouldBeEmpty();
        probe.TrackedAfter.ShouldBeEmpty();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_in_a_union_shared_with_another_merchant_is_Refused_for_its_owner_and_done_by_an_administrator()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);
        var owner = await PersonAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "owner@shop.test");
        var theirs = await PersonAsync(gateway, StaffRoles.Owner, otherMerchant, "owner@other.test");

        var (refused, probe) = await UnitOfWorkProbe.RunAsync(gateway, owner, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));
        var (refusedToo, _) = await UnitOfWorkProbe.RunAsync(gateway, theirs, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));

        refused.ShouldBeOfType<SetCustomerStatusOutcome.Refused>();
        refusedToo.ShouldBeOfType<SetCustomerStatusOutcome.Refused>();
        probe.Saves.ShouldBeEmpty();
        probe.TrackedAfter.ShouldBeEmpty();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);

        var (done, _) = await UnitOfWorkProbe.RunAsync(gateway, Administrator, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));

        done.ShouldBe(new SetCustomerStatusOutcome.Changed(CustomerStatus.Member, CustomerStatus.Deny));
        // A union of several merchants: a gateway-wide change, no one merchant's.
        (await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync())).MerchantId.ShouldBeNull();
    }

    [Fact]
    public async Task RunAsync_Deny_saves_the_status_and_its_audit_entry_in_one_save_and_ends_the_live_tokens()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var staff = await PersonAsync(gateway, StaffRoles.Staff, merchantId, "staff@shop.test");

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, staff, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));

        outcome.ShouldBe(new SetCustomerStatusOutcome.Changed(CustomerStatus.Member, CustomerStatus.Deny));
        probe.Saves.ShouldHaveSingleItem().ShouldBe(["Customer Modified", "AuditEntry Added"], ignoreOrder: true);
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        (entry.Action, entry.Subject, entry.MerchantId, entry.UserEmail).ShouldBe((SetCustomerStatus.DenyAction, $"customer {jane.Id} ({Jane})", (int?)merchantId, "staff@shop.test"));
        (entry.Before, entry.After).ShouldBe(("""{"status":"Member"}""", """{"status":"Deny"}"""));
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_Member_lifts_a_Deny_to_New_when_no_card_can_pay()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await gateway.WithDbAsync(async db =>
        {
            (await db.SavedCards.SingleAsync()).PaymentDeclined(gateway.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        await SetStatusAsync(gateway, Jane, CustomerStatus.Deny);

        var outcome = await SetStatusAsync(gateway, Jane, CustomerStatus.Member);

        outcome.ShouldBe(new SetCustomerStatusOutcome.Changed(CustomerStatus.Deny, CustomerStatus.New));
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);
        (await gateway.WithDbAsync(db => db.AuditEntries.OrderBy(a => a.Id).Select(a => a.After).ToListAsync()))
            .ShouldBe(["""{"status":"Deny"}""", """{"status":"New"}"""]);
    }

    [Fact]
    public async Task RunAsync_Member_for_a_customer_not_denied_is_Unchanged_and_leaves_nothing_tracked()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, Administrator, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Member, CancellationToken.None));

        outcome.ShouldBe(new SetCustomerStatusOutcome.Unchanged(CustomerStatus.Member));
        probe.Saves.ShouldBeEmpty();
        probe.TrackedAfter.ShouldBeEmpty();
        (await CustomerAsync(gateway, Jane)).StatusChangedAt.ShouldBe(jane.StatusChangedAt);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_two_Denies_fired_together_change_and_audit_once()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            AsAsync(gateway, Administrator, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None)))));

        outcomes.ShouldBe(
            [new SetCustomerStatusOutcome.Changed(CustomerStatus.Member, CustomerStatus.Deny), new SetCustomerStatusOutcome.Unchanged(CustomerStatus.Deny)],
            ignoreOrder: true);
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == SetCustomerStatus.DenyAction))).ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_Denies_and_Members_fired_together_leave_the_status_its_audit_trail_ends_with()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var jane = await CustomerAsync(gateway, Jane);
        CustomerStatus[] asked = [CustomerStatus.Deny, CustomerStatus.Member, CustomerStatus.Deny, CustomerStatus.Member, CustomerStatus.Deny, CustomerStatus.Member];

        var outcomes = await Task.WhenAll(asked.Select(status => Task.Run(() =>
            AsAsync(gateway, Administrator, s => s.GetRequiredService<SetCustomerStatus>().RunAsync(jane.Id, status, CancellationToken.None)))));

        // Each change read what the one before it saved: the trail is a chain from Member to the status now.
        var changes = outcomes.OfType<SetCustomerStatusOutcome.Changed>().ToList();
        var trail = await gateway.WithDbAsync(db => db.AuditEntries.OrderBy(a => a.Id).Select(a => new { a.Before, a.After }).ToListAsync());
        trail.Count.ShouldBe(changes.Count);
        trail.Count.ShouldBeGreaterThanOrEqualTo(1);
        var expected = """{"status":"Member"}""";
        foreach (var entry in trail)
        {
            entry.Before.ShouldBe(expected);
            entry.After.ShouldNotBe(entry.Before);
            expected = entry.After;
        }

        var now = await CustomerAsync(gateway, Jane);
        expected.ShouldBe($$"""{"status":"{{now.Status}}"}""");
        // A Deny always changes a customer not denied: at least one ran, and ended the live token.
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
    }
}
