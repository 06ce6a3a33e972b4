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
}
