using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// The remembered-card cookie and the wallet it opens. The cookie holds a random id; the database
/// only its hash. HttpOnly, SameSite=Lax (the merchant's top-level redirect carries it), Secure on
/// HTTPS and in production.
/// </summary>
public sealed class BrowserWallets(OneClickDbContext db, OneClickTokens tokens, TimeProvider clock, IHostEnvironment environment, IConfiguration configuration)
{
    public const string CookieName = "oneclick_browser";

    /// <summary>Only the form the gateway issues (22 base64url characters) is read; anything else is no browser id.</summary>
    public static string? BrowserIdHash(HttpContext? context) =>
        context?.Request.Cookies[CookieName] is { Length: 22 } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? CardVault.HashBrowserId(id)
            : null;

    /// <summary>The browser's id hash, giving the browser an id (the cookie) first if it has none.</summary>
    public string EnsureBrowser(HttpContext context)
    {
        if (BrowserIdHash(context) is { } existing)
        {
            return existing;
        }

        var id = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        context.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            // Secure outside development; OneClick:SecureCookies=false for test hosts that speak plain HTTP.
            Secure = context.Request.IsHttps || configuration.GetValue("OneClick:SecureCookies", !environment.IsDevelopment()),
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return CardVault.HashBrowserId(id);
    }

    /// <summary>
    /// The buyer forgets a card: its encrypted number is wiped and its tokens end at once (rule 2).
    /// Only a card of this browser's wallet at this shop can be deleted, whatever id is posted.
    /// </summary>
    public async Task<bool> DeleteCardAsync(int shopId, string? browserIdHash, long cardId, CancellationToken cancellationToken)
    {
        var wallet = await FindAsync(shopId, browserIdHash, cancellationToken);
        var card = wallet?.Cards.FirstOrDefault(c => c.Id == cardId && c.DeletedAt is null);
        if (card is null)
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        card.Delete(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await tokens.RevokeForCardAsync(card.Id, exceptIssuedBySale: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public Task<Wallet?> FindAsync(int shopId, string? browserIdHash, CancellationToken cancellationToken) =>
        browserIdHash is null
            ? Task.FromResult<Wallet?>(null)
            : db.Wallets.Include(w => w.Cards).SingleOrDefaultAsync(w => w.ShopId == shopId && w.BrowserIdHash == browserIdHash, cancellationToken);
}
