using Microsoft.EntityFrameworkCore;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Customers.Queries;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Commands;

public abstract record RemoveSavedCardOutcome
{
    public sealed record Removed : RemoveSavedCardOutcome;

    /// <summary>The card was already removed (e.g. the confirmation posted again): nothing to do.</summary>
    public sealed record AlreadyRemoved : RemoveSavedCardOutcome;

    /// <summary>Not a customer this person may see, or not a card of theirs: answered as if it did not exist.</summary>
    public sealed record NotFound : RemoveSavedCardOutcome;

    /// <summary>The customer's union holds other merchants' shops too: only a gateway administrator changes them.</summary>
    public sealed record Refused : RemoveSavedCardOutcome;
}

/// <summary>
/// Staff forget one of a customer's saved cards as the buyer's own "Delete card" does
/// (<see cref="Wallet.ForgetCard"/>): the encrypted number is wiped, its tokens end, and a customer
/// left with no usable card is New again; saved in one transaction with the audit entry.
/// </summary>
public sealed class RemoveSavedCard(
    OneClickDbContext db,
    CustomerAccessQuery access,
    OneClickTokens tokens,
    AuditTrail audit,
    WriteGate gate,
    TimeProvider clock,
    ILogger<RemoveSavedCard> logger)
{
    public const string Action = "customer.card.delete";

    public async Task<RemoveSavedCardOutcome> RunAsync(long customerId, long cardId, CancellationToken cancellationToken)
    {
        var customerAccess = await access.RunAsync(customerId, cancellationToken);
        if (customerAccess is null)
        {
            return new RemoveSavedCardOutcome.NotFound();
        }

        if (!customerAccess.MayChange)
        {
            return new RemoveSavedCardOutcome.Refused();
        }

        // Begun before the card is read: a removal posted twice at once is audited once.
        await using var transaction = await gate.BeginAsync(db, cancellationToken);
        var wallet = await db.Wallets.Include(w => w.Cards).Include(w => w.Customer)
            .SingleOrDefaultAsync(w => w.CustomerId == customerAccess.Id, cancellationToken);
        // Only a card of this customer's wallet, whatever id is posted.
        var card = wallet?.Cards.FirstOrDefault(c => c.Id == cardId);
        if (wallet is null || card is null || card.DeletedAt is not null)
        {
            db.Forget([.. wallet?.Cards ?? [], wallet?.Customer, wallet]);
            return card is null ? new RemoveSavedCardOutcome.NotFound() : new RemoveSavedCardOutcome.AlreadyRemoved();
        }

        await audit.RecordAsync(Action, customerAccess.Subject, customerAccess.MerchantId,
            new { card = card.Display, expiry = card.Expiry.ToString() }, new { card = card.Display, removed = true });
        wallet.ForgetCard(card, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        var revoked = await tokens.RevokeForCardAsync(card.Id, exceptIssuedBySale: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Saved card {CardId} of customer {CustomerId} removed in the back-office; {Tokens} tokens revoked", card.Id, customerAccess.Id, revoked);
        return new RemoveSavedCardOutcome.Removed();
    }
}
