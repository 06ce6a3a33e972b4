using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// Finds the wallet an order pays from: with a customerNumber, the customer's wallet in the shop's
/// customer union, whatever the browser; without one, this browser's wallet at this shop.
/// </summary>
public sealed class BuyerWallets(OneClickDbContext db, OneClickTokens tokens, UnionCustomers customers, TimeProvider clock, ILogger<BuyerWallets> logger)
{
    public async Task<Wallet?> FindAsync(Shop shop, string? customerNumber, string? browserIdHash, CancellationToken cancellationToken)
    {
        if (customerNumber is not null)
        {
            return await db.Wallets.Include(w => w.Cards).Include(w => w.Customer)
                .SingleOrDefaultAsync(w => w.Customer!.CustomerUnionId == shop.CustomerUnionId && w.Customer.Number == customerNumber, cancellationToken);
        }

        return browserIdHash is null
            ? null
            : await db.Wallets.Include(w => w.Cards)
                .SingleOrDefaultAsync(w => w.ShopId == shop.Id && w.BrowserIdHash == browserIdHash, cancellationToken);
    }

    /// <summary>
    /// The wallet a card is remembered in, created (and saved) if the buyer has none yet. Two first
    /// payments racing to create it end with one wallet: the loser of the unique index reads the winner's.
    /// </summary>
    public async Task<Wallet> FindOrCreateAsync(Shop shop, string? customerNumber, string browserIdHash, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var wallet = await FindAsync(shop, customerNumber, browserIdHash, cancellationToken);
            if (wallet is not null)
            {
                return wallet;
            }

            if (customerNumber is not null)
            {
                wallet = new Wallet(await customers.FindOrAddAsync(shop.CustomerUnionId, customerNumber, cancellationToken), Now);
            }
            else
            {
                wallet = new Wallet(shop.Id, browserIdHash, Now);
            }

            db.Wallets.Add(wallet);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return wallet;
            }
            catch (DbUpdateException ex) when (UniqueIndex.Refused(ex) && attempt < 2)
            {
                logger.LogInformation("A parallel payment created this buyer's wallet first: using it");
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
                {
                    entry.State = EntityState.Detached;
                }
            }
        }
    }

    /// <summary>
    /// The buyer forgets a card: its encrypted number is wiped and its tokens end at once (rule 2).
    /// Only a card of this order's wallet can be deleted, whatever id is posted. A customer whose last
    /// card goes is New again, and gets full entry and the offer next time.
    /// </summary>
    public async Task<bool> DeleteCardAsync(Shop shop, string? customerNumber, string? browserIdHash, long cardId, CancellationToken cancellationToken)
    {
        var wallet = await FindAsync(shop, customerNumber, browserIdHash, cancellationToken);
        var card = wallet?.Cards.FirstOrDefault(c => c.Id == cardId && c.DeletedAt is null);
        if (wallet is null || card is null)
        {
            return false;
        }

        await ForgetCardAsync(wallet, card, cancellationToken);
        logger.LogInformation("Saved card {CardId} deleted by the buyer", card.Id);
        return true;
    }

    /// <summary>
    /// Forgets a card of a tracked wallet (<see cref="Wallet.ForgetCard"/>) and ends its tokens, in
    /// one transaction. Staff remove a card with <c>BackOffice.Customers.Commands.RemoveSavedCard</c>.
    /// </summary>
    private async Task ForgetCardAsync(Wallet wallet, SavedCard card, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        wallet.ForgetCard(card, Now);
        await db.SaveChangesAsync(cancellationToken);
        await tokens.RevokeForCardAsync(card.Id, exceptIssuedBySale: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
