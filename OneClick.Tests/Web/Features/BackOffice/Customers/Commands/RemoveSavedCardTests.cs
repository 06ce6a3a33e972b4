using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers.Commands;

/// <summary>Staff remove a customer's saved card: scope checked again, audited in the removal's own save, once.</summary>
public sealed class RemoveSavedCardTests : IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task RunAsync_for_another_merchants_customer_is_NotFound_and_removes_nothing(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var (janeId, cardId) = await JaneAsync();
        var outsider = await PersonAsync(gateway, role, otherMerchant, "outsider@other.test");

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, outsider, s => s.GetRequiredService<RemoveSavedCard>().RunAsync(janeId, cardId, CancellationToken.None));

        outcome.ShouldBeOfType<RemoveSavedCardOutcome.NotFound>();
        probe.Saves.ShouldBeEmpty();
        probe.TrackedAfter.ShouldBeEmpty();
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).DeletedAt.ShouldBeNull();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_with_another_customers_card_is_NotFound_and_leaves_nothing_tracked()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, "john-2", card: Mastercard);
        var (janeId, _) = await JaneAsync();
        var johnsCard = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4444").Select(c => c.Id).SingleAsync());

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, Administrator, s => s.GetRequiredService<RemoveSavedCard>().RunAsync(janeId, johnsCard, CancellationToken.None));

        outcome.ShouldBeOfType<RemoveSavedCardOutcome.NotFound>();
        probe.Saves.ShouldBeEmpty();
        probe.TrackedAfter.ShouldBeEmpty();
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt == null))).ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_saves_the_removal_the_new_status_and_the_audit_entry_in_one_save()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (janeId, cardId) = await JaneAsync();
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var staff = await PersonAsync(gateway, StaffRoles.Staff, merchantId, "staff@shop.test");

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, staff, s => s.GetRequiredService<RemoveSavedCard>().RunAsync(janeId, cardId, CancellationToken.None));

        outcome.ShouldBeOfType<RemoveSavedCardOutcome.Removed>();
        probe.Saves.ShouldHaveSingleItem().ShouldBe(["SavedCard Modified", "Customer Modified", "AuditEntry Added"], ignoreOrder: true);
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).DeletedAt.ShouldNotBeNull();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        (entry.Action, entry.Subject, entry.MerchantId, entry.UserEmail).ShouldBe((RemoveSavedCard.Action, $"customer {janeId} ({Jane})", (int?)merchantId, "staff@shop.test"));
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_twice_at_once_removes_and_audits_once()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (janeId, cardId) = await JaneAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            AsAsync(gateway, Administrator, s => s.GetRequiredService<RemoveSavedCard>().RunAsync(janeId, cardId, CancellationToken.None)))));

        outcomes.Select(o => o.GetType().Name).ShouldBe([nameof(RemoveSavedCardOutcome.Removed), nameof(RemoveSavedCardOutcome.AlreadyRemoved)], ignoreOrder: true);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == RemoveSavedCard.Action))).ShouldBe(1);
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);
    }

    private async Task<(long CustomerId, long CardId)> JaneAsync()
    {
        var id = (await CustomerAsync(gateway, Jane)).Id;
        return (id, await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.Wallet.CustomerId == id).Select(c => c.Id).SingleAsync()));
    }
}
