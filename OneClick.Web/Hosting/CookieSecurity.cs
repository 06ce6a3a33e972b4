using Microsoft.AspNetCore.CookiePolicy;

namespace OneClick.Web.Hosting;

/// <summary>
/// Whether the gateway's cookies (remembered card, back-office session) must be Secure: yes outside
/// development; <c>OneClick:SecureCookies=false</c> for hosts that speak plain HTTP (tests, a proxy
/// that terminates TLS elsewhere). An empty or unreadable value means the default.
/// </summary>
public static class CookieSecurity
{
    public static bool SecureCookies(this IConfiguration configuration, IHostEnvironment environment) =>
        bool.TryParse(configuration["OneClick:SecureCookies"], out var secure) ? secure : !environment.IsDevelopment();

    /// <summary>
    /// Every cookie the gateway sets, the framework's too (antiforgery, Identity's two-factor and
    /// external sign-in cookies), goes out HttpOnly, SameSite (Lax at least) and, where
    /// <see cref="SecureCookies"/> says so, Secure whatever scheme the request came with. By their
    /// own defaults antiforgery's and Identity's cookies were Secure only on requests that arrive as
    /// HTTPS, so behind a proxy that ends TLS without passing the scheme on they went out without it.
    /// (Antiforgery's own <c>SecurePolicy = Always</c> is no way: it then refuses every request not seen as HTTPS.)
    /// </summary>
    public static IApplicationBuilder UseCookieSecurity(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var secure = services.GetRequiredService<IConfiguration>().SecureCookies(services.GetRequiredService<IHostEnvironment>());
        return app.UseCookiePolicy(new CookiePolicyOptions
        {
            HttpOnly = HttpOnlyPolicy.Always,
            MinimumSameSitePolicy = SameSiteMode.Lax,
            Secure = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.None,
        });
    }
}
