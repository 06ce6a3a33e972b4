using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>Issues, spends and reads back oneClickTokens (docs/protocol.md section 4, rules 2-4); the rules of each move are <see cref="OneClickToken"/>'s.</summary>
public sealed class OneClickTokens(OneClickDbContext db, CardVault vault, TimeProvider clock, WriteGate gate, RowStatements rows)
{
    /// <summary>A fresh token for a saved card after an approved sale; added to the unit of work, saved with the sale.</summary>
    public OneClickToken Issue(int shopId, SavedCard card, string browserIdHash, long saleId)
    {
        var (_, seed, hash) = vault.NewToken();
        var token = new OneClickToken(shopId, card.Id, browserIdHash, seed, hash, saleId, Now);
        db.OneClickTokens.Add(token);
        return token;
    }

    /// <summary>The refusal of a token no one was ever given: a guess (counted per client, <see cref="TokenGuesses"/>).</summary>
    public const string UnknownToken = "the token is unknown";

    /// <summary>
    /// The saved card a token may pay with (tracked, with its wallet and customer), or why not: the
    /// token is unknown, used, expired, or bound to another shop or browser. Nothing is spent yet.
    /// </summary>
    public async Task<(OneClickToken? Token, SavedCard? Card, string? Refusal)> FindSpendableAsync(string token, int shopId, string? browserIdHash, CancellationToken cancellationToken)
    {
        var hash = CardVault.HashToken(token);
        var found = await TokenByHash(db, hash, cancellationToken);
        var refused = found is null ? UnknownToken : found.RefusalFor(shopId, browserIdHash, Now);
        if (refused is not null)
        {
            return (null, null, refused);
        }

        var card = await CardWithWallet(db, found!.SavedCardId, cancellationToken);
        return card is null ? (null, null, "the card is gone") : (found, card, null);
    }

    /// <summary>
    /// Spends a token read without tracking, inside a write turn. Exactly one of any number of
    /// simultaneous requests with the same token wins: the token's own <see cref="OneClickToken.Spend"/>
    /// decides, and its row is written only while it is still in the state it was read in.
    /// </summary>
    public async Task<bool> SpendAsync(OneClickToken token, CancellationToken cancellationToken)
    {
        var now = Now;
        if (!token.IsSpendableAt(now))
        {
            return false; // expired since it was read
        }

        var asRead = rows.Snapshot(db, token);
        token.Spend(now);
        return await rows.TryUpdateAsync(db, token, asRead, cancellationToken, nameof(OneClickToken.State));
    }

    /// <summary>
    /// Records the sale that spent a token (<see cref="OneClickToken.AttachSale"/>), in the spend's
    /// write turn: the sale gets its id only once its row is written, after the spend.
    /// </summary>
    public async Task RecordSpenderAsync(OneClickToken token, long saleId, CancellationToken cancellationToken)
    {
        var asSpent = rows.Snapshot(db, token);
        token.AttachSale(saleId);
        await rows.UpdateAsync(db, token, asSpent, cancellationToken);
    }

    /// <summary>
    /// The token a sale issued, for the approval page's redirect to the merchant, the first time it
    /// is asked for; null ever after (<see cref="OneClickToken.HandedOverAt"/>): the page's link can
    /// be reopened, by anyone who has it, long after the buyer went back to the merchant.
    /// </summary>
    public async Task<string?> HandOverAsync(long saleId, CancellationToken cancellationToken)
    {
        // Read before the turn; the row is written only while it is still not handed over (two
        // openings of the page at once: one gets the token). A page reopened later takes no turn.
        var token = await IssuedBySale(db, saleId, cancellationToken);
        if (token is null)
        {
            return null;
        }

        var asRead = rows.Snapshot(db, token);
        if (!token.HandOver(Now))
        {
            return null;
        }

        bool claimed;
        await using (var write = await gate.BeginAsync(db, cancellationToken))
        {
            claimed = await rows.TryUpdateAsync(db, token, asRead, cancellationToken, nameof(OneClickToken.HandedOverAt));
            await write.CommitAsync(cancellationToken);
        }

        return claimed ? vault.TokenFor(token.Seed) : null;
    }

    /// <summary>The token a sale issued, as the merchant receives it (OK data, postback).</summary>
    public async Task<string?> IssuedByAsync(long saleId, CancellationToken cancellationToken)
    {
        var seed = await SeedIssuedBy(db, saleId, cancellationToken);
        return seed is null ? null : vault.TokenFor(seed);
    }

    /// <summary>The newest active token of a card (the status page).</summary>
    public async Task<string?> LatestActiveForCardAsync(long savedCardId, int shopId, CancellationToken cancellationToken)
    {
        var now = Now;
        var usable = await db.SavedCards.Where(c => c.Id == savedCardId).AnyAsync(SavedCard.Usable, cancellationToken);
        if (!usable)
        {
            return null;
        }

        // The card's active tokens by the card's index, then only this shop's: a card shared by a union
        // holds tokens of other shops, even other merchants. (Asked for the shop in SQL, SQLite's planner
        // took the shop's index and read every token the shop ever issued.)
        var seed = (await ActiveTokensOfCardAsync(savedCardId, cancellationToken))
            .Where(t => t.ShopId == shopId && t.ExpiresAt > now)
            .OrderByDescending(t => t.Id)
            .Select(t => t.Seed)
            .FirstOrDefault();
        return seed is null ? null : vault.TokenFor(seed);
    }

    /// <summary>Ends a card's active tokens (deleted card, decline), but for the one a given sale just issued.</summary>
    /// <param name="onlyShopId">With <paramref name="onlyBrowserIdHash"/>: only the tokens of that shop and browser.</param>
    public async Task<int> RevokeForCardAsync(long savedCardId, long? exceptIssuedBySale, CancellationToken cancellationToken, int? onlyShopId = null, string? onlyBrowserIdHash = null)
    {
        // Found by the card's index, then each ended by its key (see LatestActiveForCardAsync for why).
        var revoked = 0;
        foreach (var token in await ActiveTokensOfCardAsync(savedCardId, cancellationToken))
        {
            if (token.IssuedBySaleId == exceptIssuedBySale || (onlyShopId is not null && (token.ShopId != onlyShopId || token.BrowserIdHash != onlyBrowserIdHash)))
            {
                continue;
            }

            revoked += await db.OneClickTokens
                .Where(t => t.Id == token.Id)
                .Where(OneClickToken.Revocable)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Revoked), cancellationToken);
        }

        return revoked;
    }

    private async Task<List<ActiveToken>> ActiveTokensOfCardAsync(long savedCardId, CancellationToken cancellationToken)
    {
        var tokens = new List<ActiveToken>();
        await foreach (var token in ActiveOfCard(db, savedCardId).WithCancellation(cancellationToken))
        {
            tokens.Add(token);
        }

        return tokens;
    }

    // The one-click path's queries, compiled once: EF's per-call work of reading a LINQ query
    // (parameters, cache key) was a quarter of the gateway's CPU per purchase.
    private static readonly Func<OneClickDbContext, string, CancellationToken, Task<OneClickToken?>> TokenByHash =
        EF.CompileAsyncQuery((OneClickDbContext db, string hash, CancellationToken _) => db.OneClickTokens.AsNoTracking().SingleOrDefault(t => t.TokenHash == hash));

    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<SavedCard?>> CardWithWallet =
        EF.CompileAsyncQuery((OneClickDbContext db, long id, CancellationToken _) => db.SavedCards.Include(c => c.Wallet).ThenInclude(w => w.Customer).SingleOrDefault(c => c.Id == id));

    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<OneClickToken?>> IssuedBySale =
        EF.CompileAsyncQuery((OneClickDbContext db, long saleId, CancellationToken _) => db.OneClickTokens.AsNoTracking().FirstOrDefault(t => t.IssuedBySaleId == saleId));

    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<byte[]?>> SeedIssuedBy =
        EF.CompileAsyncQuery((OneClickDbContext db, long saleId, CancellationToken _) => db.OneClickTokens.Where(t => t.IssuedBySaleId == saleId).Select(t => t.Seed).FirstOrDefault());

    private static readonly Func<OneClickDbContext, long, IAsyncEnumerable<ActiveToken>> ActiveOfCard =
        EF.CompileAsyncQuery((OneClickDbContext db, long cardId) => db.OneClickTokens
            .Where(t => t.SavedCardId == cardId && t.State == OneClickTokenState.Active)
            .Select(t => new ActiveToken(t.Id, t.ShopId, t.BrowserIdHash, t.IssuedBySaleId, t.ExpiresAt, t.Seed)));

    private sealed record ActiveToken(long Id, int ShopId, string BrowserIdHash, long IssuedBySaleId, DateTime ExpiresAt, byte[] Seed);

    /// <summary>Ends every active token of a customer's cards (the merchant set them to Deny).</summary>
    public Task<int> RevokeForCustomerAsync(long customerId, CancellationToken cancellationToken) =>
        db.OneClickTokens
            .Where(OneClickToken.Revocable)
            .Where(t => db.SavedCards.Any(c => c.Id == t.SavedCardId && c.Wallet.CustomerId == customerId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Revoked), cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
