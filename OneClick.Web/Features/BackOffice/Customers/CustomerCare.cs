using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Contracts.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers;

public enum CareOutcome
{
    Done,

    /// <summary>Nothing to do: the customer or card already stands as asked (e.g. another tab did it).</summary>
    AlreadyDone,

    /// <summary>Not a customer (or card) this person may see: answered as if it did not exist.</summary>
    NotFound,

    /// <summary>The customer's union holds other merchants' shops too: only a gateway administrator changes them.</summary>
    Shared,

    /// <summary>The person's role may not make this change (a staff member deactivating a contract).</summary>
    Forbidden,

    /// <summary>A payment on the contract waits for the acquirer: try again in a moment.</summary>
    Busy,
}

/// <summary>
/// What staff change on a customer: Deny, lifting it (Member again), removing a saved card,
/// deactivating a contract. Each change is scoped by <see cref="CustomerDirectory"/> and audited in
/// the unit of work that saves it.
/// </summary>
public sealed class CustomerCare(
    OneClickDbContext db,
    CustomerDirectory directory,
    CustomerStatuses statuses,
    BuyerWallets wallets,
    AuditTrail audit,
    CurrentStaff staff,
    IAuthorizationService authorization,
    WriteGate gate,
    DeactivateContract deactivate,
    ILogger<CustomerCare> logger)
{
    public async Task<CareOutcome> DenyAsync(long customerId, CancellationToken cancellationToken)
    {
        var customer = await directory.FindCustomerAsync(customerId, cancellationToken);
        if (customer is null)
        {
            return CareOutcome.NotFound;
        }

        var (allowed, merchantId) = await MerchantOfUnionAsync(customer, cancellationToken);
        if (!allowed)
        {
            return CareOutcome.Shared;
        }

        if (customer.Status == CustomerStatus.Deny)
        {
            return CareOutcome.AlreadyDone;
        }

        await audit.RecordAsync("customer.deny", Subject(customer), merchantId, new { status = customer.Status.ToString() }, new { status = nameof(CustomerStatus.Deny) });
        await statuses.DenyAsync(customer.CustomerUnionId, customer.Number, cancellationToken);
        return CareOutcome.Done;
    }

    /// <summary>Lifts a Deny ("Member" in the back-office): the saved cards are offered again, or New when none can pay.</summary>
    public async Task<CareOutcome> AllowAsync(long customerId, CancellationToken cancellationToken)
    {
        var customer = await directory.FindCustomerAsync(customerId, cancellationToken);
        if (customer is null)
        {
            return CareOutcome.NotFound;
        }

        var (allowed, merchantId) = await MerchantOfUnionAsync(customer, cancellationToken);
        if (!allowed)
        {
            return CareOutcome.Shared;
        }

        if (customer.Status != CustomerStatus.Deny)
        {
            return CareOutcome.AlreadyDone;
        }

        // The audit entry is saved with the change, so its "after" is worked out as Customer.Allow will.
        var wallet = await db.Wallets.AsNoTracking().Include(w => w.Cards).SingleOrDefaultAsync(w => w.CustomerId == customer.Id, cancellationToken);
        var after = wallet?.HasSavedCards == true ? CustomerStatus.Member : CustomerStatus.New;
        await audit.RecordAsync("customer.allow", Subject(customer), merchantId, new { status = customer.Status.ToString() }, new { status = after.ToString() });
        await statuses.AllowAsync(customer.CustomerUnionId, customer.Number, cancellationToken);
        return CareOutcome.Done;
    }

    /// <summary>
    /// Forgets one of the customer's saved cards as the buyer's own "Delete card" does: the encrypted
    /// number is wiped, its tokens end, and a customer left with no card is New again.
    /// </summary>
    public async Task<CareOutcome> RemoveCardAsync(long customerId, long cardId, CancellationToken cancellationToken)
    {
        var customer = await directory.FindCustomerAsync(customerId, cancellationToken);
        if (customer is null)
        {
            return CareOutcome.NotFound;
        }

        var (allowed, merchantId) = await MerchantOfUnionAsync(customer, cancellationToken);
        if (!allowed)
        {
            return CareOutcome.Shared;
        }

        var wallet = await db.Wallets.Include(w => w.Cards).Include(w => w.Customer)
            .SingleOrDefaultAsync(w => w.CustomerId == customer.Id, cancellationToken);
        // Only a card of this customer's wallet, whatever id is posted.
        var card = wallet?.Cards.FirstOrDefault(c => c.Id == cardId);
        if (wallet is null || card is null)
        {
            return CareOutcome.NotFound;
        }

        if (card.DeletedAt is not null)
        {
            return CareOutcome.AlreadyDone;
        }

        // Recorded first: the entry is saved with the card's removal, in its transaction.
        await audit.RecordAsync("customer.card.delete", Subject(customer), merchantId, new { card = card.Display, expiry = card.Expiry.ToString() }, new { card = card.Display, removed = true });
        var revoked = await wallets.ForgetCardAsync(wallet, card, cancellationToken);
        logger.LogInformation("Saved card {CardId} of customer {CustomerId} removed in the back-office; {Tokens} tokens revoked", card.Id, customer.Id, revoked);
        return CareOutcome.Done;
    }

    /// <summary>
    /// Ends one of the customer's CIT contracts for good, as the API's deactivation does: its encrypted
    /// number is wiped and a SUBSEQUENT_PAYMENT on it is refused from now on. Only a contract at one of
    /// the person's shops, whatever id is posted; only owners and administrators (the
    /// <see cref="StaffPolicies.ManageMerchant"/> policy), because a merchant cannot undo it. A
    /// contract belongs to one shop, so its merchant's owner may deactivate it even in a union shared
    /// with other merchants.
    /// </summary>
    public async Task<CareOutcome> DeactivateContractAsync(long customerId, long contractId, CancellationToken cancellationToken)
    {
        var customer = await directory.FindCustomerAsync(customerId, cancellationToken);
        if (customer is null)
        {
            return CareOutcome.NotFound;
        }

        // Another merchant's contract reads exactly as one that does not exist, whatever the role.
        var shopIds = await staff.ShopIdsAsync();
        var contract = await db.Contracts.AsNoTracking()
            .Where(c => c.Id == contractId && c.CustomerId == customer.Id && shopIds.Contains(c.ShopId) && c.State != ContractState.Pending)
            .Select(c => new { c.ShopId, c.ContractId })
            .SingleOrDefaultAsync(cancellationToken);
        if (contract is null)
        {
            return CareOutcome.NotFound;
        }

        if (!(await authorization.AuthorizeAsync(staff.Principal, StaffPolicies.ManageMerchant)).Succeeded)
        {
            return CareOutcome.Forbidden;
        }

        // In the payments' write turn, as the database has it now: another tab or the API may have just
        // deactivated it, and a payment that authenticated meanwhile then finds it deactivated.
        await using var write = await gate.BeginAsync(db, cancellationToken);
        var outcome = await deactivate.RunAsync(contract.ShopId, contract.ContractId, by: null, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return outcome.Result switch
        {
            DeactivateContractResult.Deactivated => CareOutcome.Done,
            DeactivateContractResult.AlreadyDeactivated => CareOutcome.AlreadyDone,
            DeactivateContractResult.PaymentInFlight => CareOutcome.Busy,
            _ => CareOutcome.NotFound,
        };
    }

    /// <summary>
    /// Whether the person may change this customer, and the merchant the audit entry belongs to. One
    /// merchant owning every shop of the union: its people may, and an administrator's change is
    /// recorded for that merchant so its owner sees it. A union of several merchants: only an
    /// administrator may (a merchant never changes another merchant's customer).
    /// </summary>
    private async Task<(bool Allowed, int? MerchantId)> MerchantOfUnionAsync(Customer customer, CancellationToken cancellationToken)
    {
        var merchants = await db.Shops.AsNoTracking().Where(s => s.CustomerUnionId == customer.CustomerUnionId)
            .Select(s => s.MerchantId).Distinct().ToListAsync(cancellationToken);
        var mine = await staff.MerchantIdAsync();
        return merchants.Count == 1 && (mine is null || mine == merchants[0]) ? (true, merchants[0])
            : mine is null ? (true, null) // an administrator on a union of several merchants: a gateway-wide change
            : (false, null);
    }

    internal static string Subject(Customer customer) => $"customer {customer.Id} ({customer.Number})";
}
