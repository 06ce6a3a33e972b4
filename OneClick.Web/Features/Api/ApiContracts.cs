using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Shops;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api;

/// <summary>CIT contracts of the JSON API: a customer's list, and deactivation for good.</summary>
public sealed class ApiContracts(OneClickDbContext db, ContractPaymentInFlightQuery paymentInFlight, AuditTrail audit, TimeProvider clock, ILogger<ApiContracts> logger)
{
    public async Task<ApiAnswer> ListAsync(Shop shop, string customerId, CancellationToken cancellationToken)
    {
        // A contract whose first payment is still under way is nobody's yet.
        var contracts = await (
            from c in db.Contracts.AsNoTracking()
            join customer in db.Customers on c.CustomerId equals customer.Id
            where c.ShopId == shop.Id && customer.CustomerUnionId == shop.CustomerUnionId && customer.Number == customerId && c.State != ContractState.Pending
            orderby c.Id
            select c).ToListAsync(cancellationToken);
        if (contracts.Count == 0)
        {
            return ApiAnswer.NotFound($"Customer '{ApiAnswer.Echo(customerId)}' has no contracts in this shop.");
        }

        return ApiAnswer.Ok(new CustomerContracts(customerId, [.. contracts.Select(Describe)]));
    }

    /// <summary>Deactivates in the caller's write turn; deactivating again answers the same.</summary>
    /// <param name="caller">Who asks, for the audit log (the API key's prefix and name).</param>
    public async Task<ApiAnswer> DeactivateAsync(Shop shop, string contractId, string caller, CancellationToken cancellationToken)
    {
        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.ShopId == shop.Id && c.ContractId == contractId, cancellationToken);
        if (contract is null || contract.State == ContractState.Pending)
        {
            return ApiAnswer.NotFound($"This shop has no contract '{ApiAnswer.Echo(contractId)}'.");
        }

        if (contract.State == ContractState.Active && await paymentInFlight.RunAsync(shop.Id, contractId, cancellationToken))
        {
            // Answered only once final: a deactivation that said 200 while the acquirer approved would be a lie.
            return ApiAnswer.Conflict("payment-in-progress", $"A payment on contract '{ApiAnswer.Echo(contractId)}' is being authorised right now. Send the deactivation again in a few seconds.", retryable: true);
        }

        if (contract.State == ContractState.Active)
        {
            // Audited like the back-office's deactivation, in the same save.
            var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == contract.CustomerId, cancellationToken);
            audit.RecordBy(caller, CustomerCare.DeactivateContractAction, CustomerCare.Subject(customer), shop.MerchantId,
                new { contract = contract.ContractId, shop = contract.ShopId, card = contract.Display, status = contract.State.ToString() },
                new { contract = contract.ContractId, shop = contract.ShopId, card = contract.Display, status = nameof(ContractState.Deactivated) });
            contract.Deactivate(clock.GetUtcNow().UtcDateTime);
            logger.LogInformation("Contract {ContractId} of shop {ShopId} deactivated by the API", contract.Id, shop.Id);
        }

        return ApiAnswer.Ok(Describe(contract));
    }

    private static ContractDetails Describe(Contract c) => new(
        c.ContractId, "CIT", ApiNames.Of(c.State), ApiNames.Circuit(c.Brand), c.Masked, c.Expiry.ToString(), c.CreatedAt, c.DeactivatedAt);

}

public sealed record CustomerContracts(string CustomerId, IReadOnlyList<ContractDetails> Contracts);

/// <param name="PaymentInstrumentInfo">The card, masked: <c>***4242</c>.</param>
/// <param name="Status">ACTIVE or DEACTIVATED.</param>
public sealed record ContractDetails(
    string ContractId,
    string ContractType,
    string Status,
    string PaymentCircuit,
    string PaymentInstrumentInfo,
    string Expiry,
    DateTime CreatedAt,
    DateTime? DeactivatedAt);
