using OneClick.Core.Cards;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// The remembered-card cookie. The cookie holds a random id; the database
/// only its hash. HttpOnly, SameSite=Lax (the merchant's top-level redirect carries it), Secure on
/// HTTPS and in production.
/// </summary>
public sealed class BrowserWallets(IHostEnvironment environment, IConfiguration configuration)
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
            Secure = context.Request.IsHttps || configuration.SecureCookies(environment),
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return CardVault.HashBrowserId(id);
    }
}
