using System.Globalization;
using Microsoft.Net.Http.Headers;
using OneClick.Core.Orders;
using OneClick.Web.Features.Checkout.Queries;

namespace OneClick.Web.Features.Checkout.Localization;

/// <summary>
/// The language of a buyer's request (issue 23, decision 034): on an order's pages the order's own
/// (the merchant's <c>language</c>, else the browser's at the start, else the buyer's choice on the
/// page); on the startorder request its <c>language</c> parameter; else the browser's
/// <c>Accept-Language</c>; else English. Numbers and dates follow it. The Personal Account, the API and
/// the files are left as they are.
/// </summary>
public static class BuyerCulture
{
    public static IServiceCollection AddBuyerCulture(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddScoped<OrderLanguageQuery>();
        services.AddScoped<ChooseOrderLanguage>();
        return services;
    }

    public static IApplicationBuilder UseBuyerCulture(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (await LanguageOfAsync(context) is { } language)
        {
            var culture = CultureInfo.GetCultureInfo(language);
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
        }

        await next();
    });

    /// <summary>The language this request's page is in, for its <c>lang</c>: the buyer's, else English.</summary>
    public static string PageLanguage => BuyerLanguage.Parse(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ?? BuyerLanguage.English;

    /// <summary>The first supported language of the browser's <c>Accept-Language</c>, by its weights; null when none is.</summary>
    public static string? FromBrowser(HttpContext context)
    {
        var ranges = context.Request.GetTypedHeaders().AcceptLanguage;
        if (ranges is null || ranges.Count == 0)
        {
            return null;
        }

        return ranges
            .Where(range => (range.Quality ?? 1) > 0)
            .OrderByDescending(range => range.Quality ?? 1)
            .Select(range => BuyerLanguage.Parse(PrimaryTag(range)))
            .FirstOrDefault(language => language is not null);
    }

    private static string PrimaryTag(StringWithQualityHeaderValue range)
    {
        var tag = range.Value.Value ?? "";
        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? tag : tag[..dash];
    }

    private static async Task<string?> LanguageOfAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (OrderIdOf(path) is { } orderId)
        {
            var ofOrder = await context.RequestServices.GetRequiredService<OrderLanguageQuery>().RunAsync(orderId, context.RequestAborted);
            return ofOrder ?? FromBrowser(context) ?? BuyerLanguage.English;
        }

        if (path.StartsWithSegments("/startorder"))
        {
            return BuyerLanguage.Parse(context.Request.Query["language"].FirstOrDefault()) ?? FromBrowser(context) ?? BuyerLanguage.English;
        }

        return IsBuyerPage(path) ? FromBrowser(context) ?? BuyerLanguage.English : null;
    }

    /// <summary>Pages a buyer may meet that belong to no order: errors and "not found".</summary>
    private static bool IsBuyerPage(PathString path) =>
        !path.StartsWithSegments("/account") && !path.StartsWithSegments("/api") && !path.StartsWithSegments("/jobs")
        && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/_blazor") && !path.StartsWithSegments("/_framework")
        && !path.StartsWithSegments("/_content") && !path.StartsWithSegments("/css") && !path.StartsWithSegments("/js")
        && !path.StartsWithSegments("/lib") && path != "/" && path != "/favicon.ico";

    /// <summary>The order a path belongs to (<c>/order/{id}</c> and the pages under it), else null.</summary>
    public static string? OrderIdOf(PathString path)
    {
        if (!path.StartsWithSegments("/order", out var rest))
        {
            return null;
        }

        var segments = (rest.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 0 && segments[0].Length <= 64 ? segments[0] : null;
    }
}
