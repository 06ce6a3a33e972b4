using OneClick.Web.Features.Api;
using OneClick.Web.Features.BackOffice.Administration;

namespace OneClick.Web.Hosting;

/// <summary>
/// Headers every response carries: a strict Content-Security-Policy (our own scripts and styles
/// only, no framing), no referrer (order ids stay on our pages), and no caching of payment pages.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>
    /// The policy of the API reference page (<see cref="ApiDocument.PagePath"/>, Swagger UI), relaxed in
    /// one thing only: Swagger UI's top-bar logo is an SVG that brings its colours in an inline
    /// <c>&lt;style&gt;</c> element, allowed here by the hash of its exact text (Swagger UI of
    /// Swashbuckle.AspNetCore.SwaggerUI 10.3.1). Everything else holds: its scripts are files from our
    /// origin, with no inline script and no eval. A browser test fails on any violation, e.g. after an upgrade.
    /// </summary>
    public static readonly string ApiDocsContentSecurityPolicy = ContentSecurityPolicy.Replace(
        "style-src 'self'", "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='", StringComparison.Ordinal);

    /// <summary>
    /// The policy of the Personal Account's interactive pages (<see cref="InteractivePages"/>), relaxed
    /// in two things: MudBlazor sets inline styles (about 50; without them its theme is lost and its
    /// dialogs hang), so <c>style-src</c> allows <c>'unsafe-inline'</c>; and the page's
    /// <c>&lt;base href="/"&gt;</c>, against which the framework finds its circuit, needs
    /// <c>base-uri 'self'</c>. Scripts stay files from our origin (<c>blazor.web.js</c>, MudBlazor's),
    /// and the circuit's WebSocket is <c>'self'</c>. Buyer pages never get this policy (docs/scripts.md).
    /// </summary>
    public static readonly string InteractiveContentSecurityPolicy = ContentSecurityPolicy
        .Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal)
        .Replace("base-uri 'none'", "base-uri 'self'", StringComparison.Ordinal);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Chosen by the path as it came: the jobs dashboard moves its prefix to PathBase before the answer starts.
        var policy = context.Request.Path.StartsWithSegments(ApiDocument.PagePath) ? ApiDocsContentSecurityPolicy
            : context.Request.Path.StartsWithSegments(JobsDashboard.Path) ? JobsDashboard.ContentSecurityPolicy
            : ContentSecurityPolicy;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // An interactive page's policy for the page itself; its redirects and errors keep the strict one.
            headers.ContentSecurityPolicy = context.Response.StatusCode == StatusCodes.Status200OK && InteractivePages.Renders(context)
                ? InteractiveContentSecurityPolicy
                : policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // Files are cached as their own headers say (MapStaticAssets' ETags); pages and answers never.
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/lib") && !path.StartsWithSegments("/css") && !path.StartsWithSegments("/js")
                && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        await next();
    });
}
