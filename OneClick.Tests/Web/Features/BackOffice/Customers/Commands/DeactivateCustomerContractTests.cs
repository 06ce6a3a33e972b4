using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers.Commands;

/// <summary>The back-office's way into Contracts' DeactivateContract: the person's scope and role, checked again.</summary>
public sealed class DeactivateCustomerContractTests : IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task RunAsync_by_another_merchants_owner_is_NotFound_and_changes_nothing()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        var id = await ContractAsync(gateway, Jane, "contract-1");
        var jane = await CustomerAsync(gateway, Jane);
        var outsider = await PersonAsync(gateway, StaffRoles.Owner, otherMerchant, "owner@other.test");

        var (outcome, probe) = await UnitOfWorkProbe.RunAsync(gateway, outsider, s => s.GetRequiredService<DeactivateCustomerContract>().RunAsync(jane.Id, id, CancellationToken.None));

        outcome.ShouldBeOfType<DeactivateCustomerContractOutcome.NotFound>();
        probe.Saves.ShouldBeEmpty();
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Active);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_by_a_staff_member_is_Forbidden_and_by_the_owner_deactivates_with_its_audit_entry_in_one_save()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var id = await ContractAsync(gateway, Jane, "contract-1");
        var jane = await CustomerAsync(gateway, Jane);
        var staff = await PersonAsync(gateway, StaffRoles.Staff, merchantId, "staff@shop.test");
        var owner = await PersonAsync(gateway, StaffRoles.Owner, merchantId, "owner@shop.test");

        var (forbidden, _) = await UnitOfWorkProbe.RunAsync(gateway, staff, s => s.GetRequiredService<DeactivateCustomerContract>().RunAsync(jane.Id, id, CancellationToken.None));
        var (done, probe) = await UnitOfWorkProbe.RunAsync(gateway, owner, s => s.GetRequiredService<DeactivateCustomerContract>().RunAsync(jane.Id, id, CancellationToken.None));

        forbidden.ShouldBeOfType<DeactivateCustomerContractOutcome.Forbidden>();
        done.ShouldBeOfType<DeactivateCustomerContractOutcome.Deactivated>();
        probe.Saves.ShouldHaveSingleItem().ShouldBe(["Contract Modified", "AuditEntry Added"], ignoreOrder: true);
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Deactivated);
        (await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync())).UserEmail.ShouldBe("owner@shop.test");
    }
}
