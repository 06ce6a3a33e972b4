using Microsoft.AspNetCore.Mvc;

namespace OneClick.Web.Features.Checkout.Localization;

/// <summary>
/// <c>POST /order/{id}/language</c>: the order page's language menu. The order keeps the buyer's
/// choice (its pages and e-mails follow), and the buyer is back on the order, where it stood.
/// </summary>
public static class OrderLanguageEndpoint
{
    public static IEndpointRouteBuilder MapOrderLanguage(this IEndpointRouteBuilder app)
    {
        // Form-bound: ASP.NET Core checks the antiforgery token the menu's form carries.
        app.MapPost("/order/{orderId}/language", async (string orderId, [FromForm] string? language, ChooseOrderLanguage choose, CancellationToken cancellationToken) =>
            await choose.RunAsync(orderId, language, cancellationToken) switch
            {
                ChooseOrderLanguageOutcome.UnknownOrder => Results.LocalRedirect("/not-found"),
                ChooseOrderLanguageOutcome.UnknownLanguage => Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown language",
                    detail: $"Choose one of the menu's languages: {string.Join(", ", OneClick.Core.Orders.BuyerLanguage.Supported)}."),
                _ => Results.LocalRedirect($"/order/{Uri.EscapeDataString(orderId)}"),
            });
        return app;
    }
}
