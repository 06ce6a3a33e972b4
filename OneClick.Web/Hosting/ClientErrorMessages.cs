using System.Net;
using Microsoft.Extensions.Localization;
using OneClick.Web.Features.Api;
using OneClick.Web.Features.Checkout.Localization;

namespace OneClick.Web.Hosting;

/// <summary>
/// A message for the refusals the framework sends without one: a form it cannot read (a NUL in a
/// field, a missing or stale antiforgery token), a form name no page has, an address or a method no
/// endpoint takes. A page gets a short page that says what happened and what to do; the JSON API a
/// problem, as all its refusals are (decision 014). Answers that have a body keep it.
/// </summary>
public static class ClientErrorMessages
{
    public static IApplicationBuilder UseClientErrorMessages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        var response = context.Response;
        if (response.HasStarted || response.StatusCode is < 400 or >= 500 || response.ContentLength > 0 || HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var method = context.Request.Method;
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var endpoint = $"{ApiAnswer.Echo(method, 16)} {ApiAnswer.Echo(context.Request.Path.Value ?? "", 80)}";
            var problem = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ApiAnswer.Problem(404, "not-found", "Not found", $"There is no endpoint {endpoint}. The API is described at /openapi/v1.json."),
                StatusCodes.Status405MethodNotAllowed => ApiAnswer.Problem(405, "method-not-allowed", "Method not allowed", $"{endpoint}: this address does not take {ApiAnswer.Echo(method, 16)}. The API is described at /openapi/v1.json."),
                var status => ApiAnswer.Problem(status, "bad-request", "The request is not valid", "The request could not be read: check its headers and body against the API reference (/openapi/v1.json)."),
            };
            await problem.ToResult().ExecuteAsync(context);
            return;
        }

        // In the buyer's language, as the page they came from (BuyerCulture set it for this request).
        var t = context.RequestServices.GetRequiredService<IStringLocalizer<BuyerText>>();
        var (title, text) = response.StatusCode switch
        {
            StatusCodes.Status404NotFound => (t["Page not found"], t["This page does not exist. If you were paying, go back to the shop and start the purchase again."]),
            StatusCodes.Status405MethodNotAllowed => (t["Method not allowed"], t["This address does not take {0} requests.", method]),
            StatusCodes.Status400BadRequest => (t["The request is not valid"],
                t["The form could not be read: a field is malformed or sent in a way no page of ours sends, or the page's security token is missing or out of date. Nothing was done. If you were paying, open the payment page again from the shop."]),
            var status => (t["The request was refused ({0})", status], t["Nothing was done. Go back and try again."]),
        };
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(
            $"<!DOCTYPE html>\n<html lang=\"{BuyerCulture.PageLanguage}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            "<meta name=\"robots\" content=\"noindex\"><link rel=\"icon\" href=\"data:,\">" +
            $"<title>{WebUtility.HtmlEncode(title)}</title><link rel=\"stylesheet\" href=\"{BuyerPages.StylesheetPath}\"></head>\n" +
            "<body><main class=\"container checkout\"><div class=\"row justify-content-center\"><div class=\"col-12 col-md-10 col-lg-8\">" +
            $"<h1 class=\"h3\">{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p></div></div></main></body></html>\n",
            context.RequestAborted);
    });
}
