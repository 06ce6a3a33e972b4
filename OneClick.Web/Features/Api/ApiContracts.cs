using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Shops;
using OneClick.Web.Features.Contracts.Commands;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api;

/// <summary>CIT contracts of the JSON API: a customer's list, and deactivation for good.</summary>
public sealed class ApiContracts(OneClickDbContext db, DeactivateContract deactivate)
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
    public async Task<ApiAnswer> DeactivateAsync(Shop shop, string contractId, string caller, CancellationToken cancellationToken) =>
        await deactivate.RunAsync(shop.Id, contractId, caller, cancellationToken) switch
        {
            { Result: DeactivateContractResult.NotFound } => ApiAnswer.NotFound($"This shop has no contract '{ApiAnswer.Echo(contractId)}'."),
            // Answered only once final: a deactivation that said 200 while the acquirer approved would be a lie.
            { Result: DeactivateContractResult.PaymentInFlight } => ApiAnswer.Conflict("payment-in-progress", $"A payment on contract '{ApiAnswer.Echo(contractId)}' is being authorised right now. Send the deactivation again in a few seconds.", retryable: true),
            var done => ApiAnswer.Ok(Describe(done.Contract!)),
        };

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
