using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using OneClick.Core.Protocol;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Checkout;

public static class StartOrderEndpoint
{
    public const string RateLimitPolicy = "startorder";

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = SignedRequest.MaxParameters,
        KeyLengthLimit = SignedRequest.MaxNameLength,
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
        // The raw pairs, in order and with their exact case: Request.Query and Request.Form merge
        // 'shopID' and 'ShopID' into one name, and a name outside the protocol must stay apart to be ignored.
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var pair in new QueryStringEnumerable(context.Request.QueryString.Value))
        {
            parameters.Add(new(pair.DecodeName().ToString(), pair.DecodeValue().ToString()));
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!context.Request.HasFormContentType)
            {
                return StartOrderErrorPage.Render(StatusCodes.Status415UnsupportedMediaType,
                    [new("Content-Type", "must be application/x-www-form-urlencoded when startorder is posted.")]);
            }

            try
            {
                // startorder reads 19 parameters of at most a few KB: anything far larger is refused, not read.
                await ReadFormAsync(context.Request, parameters, cancellationToken);
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

    private static async Task ReadFormAsync(HttpRequest request, List<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            // The charset as the framework's form reader takes it: an unknown or malformed one is UTF-8.
            var encoding = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var mediaType) ? mediaType.Encoding : null;
            using var reader = new FormReader(request.Body, encoding ?? System.Text.Encoding.UTF8)
            {
                ValueCountLimit = FormLimits.ValueCountLimit,
                KeyLengthLimit = FormLimits.KeyLengthLimit,
                ValueLengthLimit = FormLimits.ValueLengthLimit,
            };
            var count = 0;
            while (await reader.ReadNextPairAsync(cancellationToken) is { } pair)
            {
                // The pair reader checks names and values, not their count: that is counted here.
                if (++count > FormLimits.ValueCountLimit)
                {
                    throw new InvalidDataException($"More than {FormLimits.ValueCountLimit} form values.");
                }

                parameters.Add(pair);
            }

            return;
        }

        // Multipart: the framework's reader, whose names are merged without regard to case.
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, FormLimits));
        foreach (var (name, values) in await request.ReadFormAsync(cancellationToken))
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
