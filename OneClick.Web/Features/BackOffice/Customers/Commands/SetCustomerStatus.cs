using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Customers.Queries;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Commands;

public abstract record SetCustomerStatusOutcome
{
    /// <summary>Saved with its audit entry; lifting a Deny gives Member or New, as the customer's cards say.</summary>
    public sealed record Changed(CustomerStatus Before, CustomerStatus After) : SetCustomerStatusOutcome;

    /// <summary>
    /// Nothing to do: the customer already stands as asked (e.g. another tab did it), or is not denied
    /// and Member was asked (New and Member follow the cards alone).
    /// </summary>
    public sealed record Unchanged(CustomerStatus Status) : SetCustomerStatusOutcome;

    /// <summary>Not a customer this person may see: answered as if it did not exist.</summary>
    public sealed record NotFound : SetCustomerStatusOutcome;

    /// <summary>The customer's union holds other merchants' shops too: only a gateway administrator changes them.</summary>
    public sealed record Refused : SetCustomerStatusOutcome;
}

/// <summary>
/// The merchant's say over a customer's One Click (docs/protocol.md section 4 rule 8), from the
/// back-office: Deny hides the saved cards, drops the offer and ends every live token at once;
/// lifting it (Member) brings the saved cards back. The change, its audit entry and the end of the
/// tokens are saved in one transaction.
/// </summary>
public sealed class SetCustomerStatus(
    OneClickDbContext db,
    CustomerAccessQuery access,
    OneClickTokens tokens,
    AuditTrail audit,
    WriteGate gate,
    TimeProvider clock,
    ILogger<SetCustomerStatus> logger)
{
    public const string DenyAction = "customer.deny";

    public const string AllowAction = "customer.allow";

    /// <param name="status"><see cref="CustomerStatus.Deny"/>, or <see cref="CustomerStatus.Member"/> to lift a Deny.</param>
    public async Task<SetCustomerStatusOutcome> RunAsync(long customerId, CustomerStatus status, CancellationToken cancellationToken)
    {
        if (status == CustomerStatus.New)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "New follows the cards: staff set Deny or lift it.");
        }

        // Checked again here, whatever the page showed: a form may be posted for any customer id.
        var customerAccess = await access.RunAsync(customerId, cancellationToken);
        if (customerAccess is null)
        {
            return new SetCustomerStatusOutcome.NotFound();
        }

        if (!customerAccess.MayChange)
        {
            return new SetCustomerStatusOutcome.Refused();
        }

        // The turn (BEGIN IMMEDIATE) is taken before the status is read: of two changes at once, the
        // second reads what the first saved, so the audit's "before" is always true.
        await using var transaction = await gate.BeginAsync(db, cancellationToken);
        var customer = await db.Customers.SingleAsync(c => c.Id == customerAccess.Id, cancellationToken);
        var before = customer.Status;
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = status == CustomerStatus.Deny
            ? customer.Deny(now)
            : customer.Allow(await db.SavedCards.Where(c => c.Wallet.CustomerId == customer.Id).AnyAsync(SavedCard.Usable, cancellationToken), now);
        if (!changed)
        {
            db.Entry(customer).State = EntityState.Detached;
            return new SetCustomerStatusOutcome.Unchanged(before);
        }

        await audit.RecordAsync(
            status == CustomerStatus.Deny ? DenyAction : AllowAction,
            customerAccess.Subject,
            customerAccess.MerchantId,
            new { status = before.ToString() },
            new { status = customer.Status.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        var revoked = customer.Status == CustomerStatus.Deny ? await tokens.RevokeForCustomerAsync(customer.Id, cancellationToken) : 0;
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Customer {CustomerId} of union {UnionId} set from {Before} to {After} in the back-office; {Tokens} tokens revoked", customer.Id, customer.CustomerUnionId, before, customer.Status, revoked);
        return new SetCustomerStatusOutcome.Changed(before, customer.Status);
    }
}
