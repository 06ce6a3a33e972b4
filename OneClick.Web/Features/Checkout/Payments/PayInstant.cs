using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>What became of an instant one-click startorder.</summary>
public abstract record PayInstantOutcome
{
    /// <summary>The acquirer was asked; the order holds the sale.</summary>
    public sealed record Charged(PaymentOutcome Outcome) : PayInstantOutcome;

    /// <summary>The token could not pay: it is unspent, and the order was saved open for the order page.</summary>
    /// <param name="TokenUnknown">No token ever had this value: a guess (used, expired and other tokens were real ones).</param>
    public sealed record NotCharged(bool TokenUnknown) : PayInstantOutcome;

    /// <summary>A parallel request saved an order with the same referenceID first; nothing of this one was saved.</summary>
    public sealed record ReferenceTaken(Exception Race) : PayInstantOutcome;
}

/// <summary>
/// Rule 3, an instant one-click startorder: the new order, the token's spend and the pending sale are
/// saved in one write turn, before the acquirer is asked (decision 013's first commit). A token that
/// cannot pay (unknown, used, expired, another shop or browser, a card that cannot pay this order, or
/// spent by a parallel request) stays unspent, and the order is saved open for the order page (rule 4).
/// </summary>
public sealed class PayInstant(
    OneClickDbContext db,
    Settlement settlement,
    OneClickTokens tokens,
    TurnoverQuery turnover,
    CardVault vault,
    WriteGate gate,
    RowStatements rows,
    OneClickMetrics metrics,
    TimeProvider clock,
    ILogger<PayInstant> logger)
{
    /// <param name="order">The startorder's new order, not yet saved: it is added here, so that it is saved in the same turn as the token's spend.</param>
    public async Task<PayInstantOutcome> RunAsync(Order order, Shop shop, string token, string? browserIdHash, CancellationToken cancellationToken)
    {
        using var span = OneClickTraces.StartPayment(order, "instant one-click payment");
        // Read before the write turn, which is the whole process's: the token, its card and whether
        // the card may pay. Only the binding parts (the turnover limit, the spend) are inside.
        var (found, card, refused) = await tokens.FindSpendableAsync(token, order.ShopId, browserIdHash, cancellationToken);
        var tokenUnknown = refused == OneClickTokens.UnknownToken;
        refused ??= card!.RefusalFor(order, shop, browserIdHash, instant: true)
            ?? (card.IsLocked(Now) ? "the card is locked after wrong CVCs" : null);
        var request = refused is null
            ? new AuthorizationRequest(vault.Decrypt(card!.Pan), card.Expiry, null, card.HolderName, order.Price, order.Id, StoredCredential: true)
            : null;
        Sale? sale = null;
        var raced = false;
        try
        {
            // The turn's rows are written by prepared statements (decision 024): every decision in it
            // is the entities' own (Spend, StartPayment, AttachSale), the statements only store them.
            await using var write = await gate.BeginAsync(db, cancellationToken);
            refused ??= await turnover.RunAsync(shop, order, card!, cancellationToken);
            if (refused is null && !await tokens.SpendAsync(found!, cancellationToken))
            {
                refused = "the token was spent by a parallel request, or expired meanwhile";
                raced = true;
            }

            if (refused is null)
            {
                sale = new Sale(order, request!.Card, Now);
                sale.UseSavedCard(card!.Id, oneClick: true, instant: true, browserIdHash);
                order.StartPayment(Now);
            }

            // The order's row first: the sale's refers to it, and it refers to the sale once the sale has its id.
            await rows.InsertAsync(db, order, cancellationToken);
            if (sale is not null)
            {
                var inserted = rows.Snapshot(db, order);
                await rows.InsertAsync(db, sale, cancellationToken);
                order.AttachSale(sale);
                await rows.UpdateAsync(db, order, inserted, cancellationToken);
                await tokens.RecordSpenderAsync(found!, sale.Id, cancellationToken);
            }

            await write.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (UniqueIndex.RefusedReference(ex, order.ReferenceId))
        {
            // Another request with the same referenceID won the race. Nothing of this one was saved,
            // its token included: the caller resumes the winner's order.
            db.ChangeTracker.Clear();
            return new PayInstantOutcome.ReferenceTaken(ex);
        }

        // Tracked from here as the database holds them: the settlement's SaveChanges writes what follows.
        db.Attach(order);
        if (sale is not null)
        {
            db.Attach(sale);
        }

        if (refused is not null)
        {
            metrics.TokenRefused(tokenUnknown ? "unknown" : raced ? "spent_in_parallel" : "not_usable");
            logger.LogInformation("One-click refused for shop {ShopId}: {Reason}", order.ShopId, refused);
            return new PayInstantOutcome.NotCharged(tokenUnknown);
        }

        metrics.TokenSpent();
        return new PayInstantOutcome.Charged(await settlement.AuthorizeAsync(order, shop, sale!, request!, instant: true));
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
