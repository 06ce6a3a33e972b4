using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>Issues, spends and reads back oneClickTokens (PROTOCOL.md section 4, rules 2-4).</summary>
public sealed class OneClickTokens(OneClickDbContext db, CardVault vault, TimeProvider clock, ILogger<OneClickTokens> logger)
{
    /// <summary>A fresh token for a saved card after an approved sale; added to the unit of work, saved with the sale.</summary>
    public OneClickToken Issue(int shopId, SavedCard card, string browserIdHash, long saleId)
    {
        var (_, seed, hash) = vault.NewToken();
        var token = new OneClickToken(shopId, card.Id, browserIdHash, seed, hash, saleId, Now);
        db.OneClickTokens.Add(token);
        return token;
    }

    /// <summary>
    /// Spends a token for an instant one-click payment. Exactly one of any number of simultaneous
    /// requests with the same token wins: the database changes it from Active to Used only once.
    /// </summary>
    public async Task<SavedCard?> TrySpendAsync(string token, int shopId, string? browserIdHash, CancellationToken cancellationToken)
    {
        var hash = CardVault.HashToken(token);
        var found = await db.OneClickTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var refusal = found is null ? "the token is unknown" : found.RefusalFor(shopId, browserIdHash, Now);
        if (refusal is not null)
        {
            logger.LogInformation("One-click refused for shop {ShopId}: {Reason}", shopId, refusal);
            return null;
        }

        var now = Now;
        var spent = await db.OneClickTokens
            .Where(t => t.Id == found!.Id && t.State == OneClickTokenState.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Used).SetProperty(t => t.UsedAt, now), cancellationToken);
        if (spent == 0)
        {
            logger.LogInformation("One-click refused for shop {ShopId}: the token was spent by a parallel request", shopId);
            return null;
        }

        var card = await db.SavedCards.SingleOrDefaultAsync(c => c.Id == found!.SavedCardId, cancellationToken);
        return card is { DeletedAt: null, Confirmed: true } ? card : null;
    }

    /// <summary>The token a sale issued, as the merchant receives it (OK data, postback).</summary>
    public async Task<string?> IssuedByAsync(long saleId, CancellationToken cancellationToken)
    {
        var seed = await db.OneClickTokens.Where(t => t.IssuedBySaleId == saleId).Select(t => t.Seed).FirstOrDefaultAsync(cancellationToken);
        return seed is null ? null : vault.TokenFor(seed);
    }

    /// <summary>The newest active token of a card (the status page).</summary>
    public async Task<string?> LatestActiveForCardAsync(long savedCardId, CancellationToken cancellationToken)
    {
        var now = Now;
        var usable = await db.SavedCards.AnyAsync(c => c.Id == savedCardId && c.DeletedAt == null && c.Confirmed, cancellationToken);
        if (!usable)
        {
            return null;
        }

        var seed = await db.OneClickTokens
            .Where(t => t.SavedCardId == savedCardId && t.State == OneClickTokenState.Active && t.ExpiresAt > now)
            .OrderByDescending(t => t.Id)
            .Select(t => t.Seed)
            .FirstOrDefaultAsync(cancellationToken);
        return seed is null ? null : vault.TokenFor(seed);
    }

    /// <summary>Ends a card's active tokens (deleted card, decline), but for the one a given sale just issued.</summary>
    public Task<int> RevokeForCardAsync(long savedCardId, long? exceptIssuedBySale, CancellationToken cancellationToken) =>
        db.OneClickTokens.Where(t => t.SavedCardId == savedCardId && t.State == OneClickTokenState.Active && t.IssuedBySaleId != exceptIssuedBySale)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Revoked), cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
