using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Checkout;

public static class StartOrderEndpoint
{
    public const string RateLimitPolicy = "startorder";

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 64,
        KeyLengthLimit = 256,
        ValueLengthLimit = 8 * 1024,
        MultipartBodyLengthLimit = 64 * 1024,
        BufferBody = false,
    };

    public static IEndpointRouteBuilder MapStartOrder(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/startorder", [HttpMethods.Get, HttpMethods.Post], HandleAsync)
            .DisableAntiforgery() // A merchant's signed redirect, not a form of ours: the signature is its proof.
            .RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, [FromServices] OrderStarter starter, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        Collect(parameters, context.Request.Query);
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!context.Request.HasFormContentType)
            {
                return StartOrderErrorPage.Render(StatusCodes.Status415UnsupportedMediaType,
                    [new("Content-Type", "must be application/x-www-form-urlencoded when startorder is posted.")]);
            }

            try
            {
                // startorder has 18 parameters of at most a few KB: anything far larger is refused, not read.
                context.Features.Set<IFormFeature>(new FormFeature(context.Request, FormLimits));
                Collect(parameters, await context.Request.ReadFormAsync(cancellationToken));
            }
            // IOException: a multipart body that ends before its boundary, i.e. no multipart body at all.
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
            {
                return StartOrderErrorPage.Render(StatusCodes.Status400BadRequest,
                    [new("(form)", "is too large or malformed: send only the startorder parameters, form-encoded, each value a few KB at most.")]);
            }
        }

        return await starter.StartAsync(parameters, BrowserWallets.BrowserIdHash(context), RateLimiting.ClientKey(context), cancellationToken) switch
        {
            StartOrderOutcome.Started started => new RedirectToUri(started.Location ?? $"/order/{started.OrderId}"),
            StartOrderOutcome.Throttled throttled => throttled.Refusal.ToResult(),
            StartOrderOutcome.Invalid invalid => StartOrderErrorPage.Render(StatusCodes.Status400BadRequest, invalid.Errors),
            _ => StartOrderErrorPage.Render(StatusCodes.Status403Forbidden, []),
        };
    }

    private static void Collect(List<KeyValuePair<string, string>> parameters, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source)
    {
        foreach (var (name, values) in source)
        {
            foreach (var value in values)
            {
                parameters.Add(new(name, value ?? ""));
            }
        }
    }

    /// <summary>303 See Other, so that a posted startorder is followed by a GET of the order page.</summary>
    private sealed class RedirectToUri(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
