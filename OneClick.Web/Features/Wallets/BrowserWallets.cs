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
public sealed class BrowserWallets(OneClickDbContext db, IHostEnvironment environment)
{
    public const string CookieName = "oneclick_browser";

    public static string? BrowserIdHash(HttpContext? context) =>
        context?.Request.Cookies[CookieName] is { Length: >= 16 and <= 64 } id ? CardVault.HashBrowserId(id) : null;

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
            Secure = context.Request.IsHttps || environment.IsProduction(),
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return CardVault.HashBrowserId(id);
    }

    public Task<Wallet?> FindAsync(int shopId, string? browserIdHash, CancellationToken cancellationToken) =>
        browserIdHash is null
            ? Task.FromResult<Wallet?>(null)
            : db.Wallets.Include(w => w.Cards).SingleOrDefaultAsync(w => w.ShopId == shopId && w.BrowserIdHash == browserIdHash, cancellationToken);
}
