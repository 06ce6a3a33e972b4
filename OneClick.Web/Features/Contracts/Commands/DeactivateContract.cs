using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Contracts.Commands;

public enum DeactivateContractResult
{
    Deactivated,

    /// <summary>It was already: asking again answers the same.</summary>
    AlreadyDeactivated,

    /// <summary>No such contract in the shop, or one whose first payment is still under way (nobody's yet).</summary>
    NotFound,

    /// <summary>A payment on it waits for the acquirer: a deactivation answered now could be a lie.</summary>
    PaymentInFlight,
}

/// <param name="Contract">The contract as it now is; null when not found.</param>
public sealed record DeactivateContractOutcome(DeactivateContractResult Result, Contract? Contract);

/// <summary>
/// Deactivates a CIT contract for good, with its audit entry in the same save: the one way for the
/// API and for the back-office. It runs in the caller's write turn (the API's idempotent post commits
/// it with the idempotency record; the back-office takes a turn of its own), reading the contract as
/// the database has it now, so that a payment that authenticated meanwhile finds it deactivated.
/// </summary>
public sealed class DeactivateContract(
    OneClickDbContext db,
    ContractPaymentInFlightQuery paymentInFlight,
    AuditTrail audit,
    TimeProvider clock,
    ILogger<DeactivateContract> logger)
{
    public const string Action = "customer.contract.deactivate";

    /// <param name="by">Who asks, for the audit log: an API key's prefix and name; null for the signed-in person.</param>
    public async Task<DeactivateContractOutcome> RunAsync(int shopId, string contractId, string? by, CancellationToken cancellationToken)
    {
        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.ShopId == shopId && c.ContractId == contractId, cancellationToken);
        if (contract is null || contract.State == ContractState.Pending)
        {
            db.Forget(contract);
            return new DeactivateContractOutcome(DeactivateContractResult.NotFound, null);
        }

        if (contract.State == ContractState.Deactivated)
        {
            db.Forget(contract);
            return new DeactivateContractOutcome(DeactivateContractResult.AlreadyDeactivated, contract);
        }

        if (await paymentInFlight.RunAsync(shopId, contractId, cancellationToken))
        {
            db.Forget(contract);
            return new DeactivateContractOutcome(DeactivateContractResult.PaymentInFlight, contract);
        }

        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == contract.CustomerId).Select(c => new { c.Id, c.Number }).SingleAsync(cancellationToken);
        var merchantId = await db.Shops.Where(s => s.Id == shopId).Select(s => s.MerchantId).SingleAsync(cancellationToken);
        var before = new { contract = contract.ContractId, shop = contract.ShopId, card = contract.Display, status = contract.State.ToString() };
        var after = new { contract = contract.ContractId, shop = contract.ShopId, card = contract.Display, status = nameof(ContractState.Deactivated) };
        var subject = $"customer {customer.Id} ({customer.Number})";
        if (by is null)
        {
            await audit.RecordAsync(Action, subject, merchantId, before, after);
        }
        else
        {
            audit.RecordBy(by, Action, subject, merchantId, before, after);
        }

        contract.Deactivate(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Contract {ContractId} of shop {ShopId} (customer {CustomerId}) deactivated by {Channel}", contract.Id, shopId, customer.Id, by is null ? "the back-office" : "the API");
        return new DeactivateContractOutcome(DeactivateContractResult.Deactivated, contract);
    }
}
