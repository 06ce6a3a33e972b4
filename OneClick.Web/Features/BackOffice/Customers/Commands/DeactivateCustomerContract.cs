using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Web.Features.BackOffice.Customers.Queries;
using OneClick.Web.Features.Contracts.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Commands;

public abstract record DeactivateCustomerContractOutcome
{
    public sealed record Deactivated : DeactivateCustomerContractOutcome;

    /// <summary>It already was (another tab or the API did it): nothing to do.</summary>
    public sealed record AlreadyDeactivated : DeactivateCustomerContractOutcome;

    /// <summary>Not a customer this person may see, or not a contract of theirs at this person's shops.</summary>
    public sealed record NotFound : DeactivateCustomerContractOutcome;

    /// <summary>The person's role may not: only owners and administrators (<see cref="StaffPolicies.ManageMerchant"/>).</summary>
    public sealed record Forbidden : DeactivateCustomerContractOutcome;

    /// <summary>A payment on the contract waits for the acquirer: try again in a moment.</summary>
    public sealed record PaymentInFlight : DeactivateCustomerContractOutcome;
}

/// <summary>
/// Ends one of the customer's CIT contracts for good from their back-office page, through
/// <see cref="DeactivateContract"/>, the API's one way: its encrypted number is wiped and a
/// SUBSEQUENT_PAYMENT on it is refused from now on. Only a contract at one of the person's shops,
/// whatever id is posted; only owners and administrators, because a merchant cannot undo it. A
/// contract belongs to one shop, so its merchant's owner may deactivate it even in a union shared
/// with other merchants.
/// </summary>
public sealed class DeactivateCustomerContract(
    OneClickDbContext db,
    CustomerAccessQuery access,
    CurrentStaff staff,
    WriteGate gate,
    DeactivateContract deactivate)
{
    public async Task<DeactivateCustomerContractOutcome> RunAsync(long customerId, long contractId, CancellationToken cancellationToken)
    {
        if (await access.RunAsync(customerId, cancellationToken) is not { } customer)
        {
            return new DeactivateCustomerContractOutcome.NotFound();
        }

        // Another merchant's contract reads exactly as one that does not exist, whatever the role.
        var shopIds = await staff.ShopIdsAsync();
        var contract = await db.Contracts.AsNoTracking()
            .Where(c => c.Id == contractId && c.CustomerId == customer.Id && shopIds.Contains(c.ShopId) && c.State != ContractState.Pending)
            .Select(c => new { c.ShopId, c.ContractId })
            .SingleOrDefaultAsync(cancellationToken);
        if (contract is null)
        {
            return new DeactivateCustomerContractOutcome.NotFound();
        }

        if (!staff.MayManageMerchant)
        {
            return new DeactivateCustomerContractOutcome.Forbidden();
        }

        // In the payments' write turn, as the database has it now: another tab or the API may have just
        // deactivated it, and a payment that authenticated meanwhile then finds it deactivated.
        await using var write = await gate.BeginAsync(db, cancellationToken);
        var outcome = await deactivate.RunAsync(contract.ShopId, contract.ContractId, by: null, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return outcome.Result switch
        {
            DeactivateContractResult.Deactivated => new DeactivateCustomerContractOutcome.Deactivated(),
            DeactivateContractResult.AlreadyDeactivated => new DeactivateCustomerContractOutcome.AlreadyDeactivated(),
            DeactivateContractResult.PaymentInFlight => new DeactivateCustomerContractOutcome.PaymentInFlight(),
            _ => new DeactivateCustomerContractOutcome.NotFound(),
        };
    }
}
