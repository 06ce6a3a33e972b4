using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// The contracts slice of the authorization matrix: deactivating a contract over the circuit, run as
/// each person's circuit would run it whatever their page shows them. Anonymous: a circuit with no
/// person does nothing. Owners of the contract's merchant and administrators: allowed. Staff of that
/// merchant: they see the contracts but may not deactivate. Staff and owners of another merchant,
/// with this merchant's ids: answered as an unknown id, and nothing changed.
/// </summary>
public sealed class CustomerContractAuthorizationTests : IAsyncLifetime, IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();
    private readonly AccountPageContext context;

    public CustomerContractAuthorizationTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Circuit_without_a_signed_in_person_deactivates_nothing()
    {
        var (customerId, contractId) = await JanesContractAsync();

        await Should.ThrowAsync<StaffSessionEndedException>(() => Deactivate(customerId, contractId));

        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Owner)]
    [InlineData(StaffRoles.Administrator)]
    public async Task Owner_and_administrator_are_offered_the_deactivation_and_may_make_it(string role)
    {
        var (customerId, contractId) = await JanesContractAsync();
        await context.ActAsNewAsync(role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await OpenCustomerAsync(context, customerId);
        var outcome = await Deactivate(customerId, contractId);

        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldContain("Deactivate contract contract-1");
        outcome.ShouldBeOfType<DeactivateCustomerContractOutcome.Deactivated>();
        (await ContractStateAsync()).ShouldBe(ContractState.Deactivated);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Staff_member_sees_the_contracts_but_cannot_deactivate_one()
    {
        var (customerId, contractId) = await JanesContractAsync();
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await OpenCustomerAsync(context, customerId);
        var forged = await Deactivate(customerId, contractId);

        Cells(page, "Contracts").Single()[0].ShouldBe("contract-1");
        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Deactivate contract contract-1");
        page.Markup.ShouldContain("Only an owner of your merchant can deactivate a contract.");
        forged.ShouldBeOfType<DeactivateCustomerContractOutcome.Forbidden>();
        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_gets_404_for_the_page_and_the_deactivation_as_for_an_unknown_id(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        var (customerId, contractId) = await JanesContractAsync();
        var email = $"{role.ToLowerInvariant()}@other.test";
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant, email);
        await context.ActAsAsync(email);

        var page = await outsider.GetAsync($"/account/customers/{customerId}");
        var forged = await Deactivate(customerId, contractId);
        var unknown = await Deactivate(customerId, 999999);

        page.Status.ShouldBe(HttpStatusCode.NotFound);
        page.Html.ShouldNotContain("contract-1");
        page.Html.ShouldNotContain(Jane);
        forged.ShouldBeOfType<DeactivateCustomerContractOutcome.NotFound>();
        unknown.ShouldBeOfType<DeactivateCustomerContractOutcome.NotFound>();
        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_in_a_shared_union_sees_and_deactivates_none_of_this_merchants_contracts(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        var (customerId, contractId) = await JanesContractAsync();
        await context.ActAsNewAsync(role, otherMerchant);

        // The customer is theirs too (the union): the page opens, this merchant's contract does not show.
        var page = await OpenCustomerAsync(context, customerId);
        var forged = await Deactivate(customerId, contractId);

        Cells(page, "Contracts").ShouldBeEmpty();
        page.Markup.ShouldNotContain("contract-1");
        forged.ShouldBeOfType<DeactivateCustomerContractOutcome.NotFound>();
        await NothingChangedAsync();
    }

    private Task<DeactivateCustomerContractOutcome> Deactivate(long customerId, long contractId) =>
        context.RunAsync((DeactivateCustomerContract contracts) => contracts.RunAsync(customerId, contractId, CancellationToken.None));

    private async Task<(long CustomerId, long ContractId)> JanesContractAsync()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var id = await ContractAsync(gateway, Jane, "contract-1");
        return ((await CustomerAsync(gateway, Jane)).Id, id);
    }

    private Task<ContractState> ContractStateAsync() =>
        gateway.WithDbAsync(db => db.Contracts.Where(c => c.ContractId == "contract-1").Select(c => c.State).SingleAsync());

    private async Task NothingChangedAsync()
    {
        (await ContractStateAsync()).ShouldBe(ContractState.Active);
        (await gateway.WithDbAsync(db => db.Contracts.Where(c => c.ContractId == "contract-1").Select(c => c.EncryptedPan.Length).SingleAsync())).ShouldBeGreaterThan(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }
}
