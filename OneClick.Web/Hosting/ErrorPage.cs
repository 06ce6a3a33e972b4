using Microsoft.AspNetCore.Http.HttpResults;
using OneClick.Web.Components;

namespace OneClick.Web.Hosting;

public static class ErrorPage
{
    /// <summary>What a buyer sees when something failed on our side (any method: the handler re-executes the request).</summary>
    public static IEndpointRouteBuilder MapErrorPage(this IEndpointRouteBuilder app)
    {
        app.Map("/error", () => new RazorComponentResult<UnexpectedError> { StatusCode = StatusCodes.Status500InternalServerError })
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }
}
