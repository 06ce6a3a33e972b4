using Microsoft.AspNetCore.Http.HttpResults;
using OneClick.Core.Orders;

namespace OneClick.Web.Features.Checkout;

internal static class StartOrderErrorPage
{
    public static IResult Render(int statusCode, IReadOnlyList<ParameterError> errors) =>
        new RazorComponentResult<StartOrderError>(new { StatusCode = statusCode, Errors = errors })
        {
            StatusCode = statusCode,
        };
}
