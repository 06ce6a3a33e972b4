using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OneClick.Core.Protocol;
using OneClick.Web.Features.Checkout.Localization;
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
            // Form-encoded only (section 3): a multipart reader merges names without regard to case.
            if (!TryFormEncoding(context.Request.ContentType, out var encoding))
            {
                return StartOrderErrorPage.Render(StatusCodes.Status415UnsupportedMediaType,
                    [new("Content-Type", "must be application/x-www-form-urlencoded when startorder is posted.")]);
            }

            try
            {
                // startorder reads 32 names of at most a few KB: anything far larger is refused, not read.
                await ReadFormAsync(context.Request.Body, encoding, parameters, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
            {
                return StartOrderErrorPage.Render(StatusCodes.Status400BadRequest,
                    [new("(form)", "is too large or malformed: send only the startorder parameters, form-encoded, each value a few KB at most.")]);
            }
        }

        return await starter.StartAsync(parameters, BrowserWallets.BrowserIdHash(context), RateLimiting.ClientKey(context), BuyerCulture.FromBrowser(context), cancellationToken) switch
        {
            StartOrderOutcome.Started started => new RedirectToUri(started.Location ?? $"/order/{started.OrderId}"),
            StartOrderOutcome.Throttled throttled => throttled.Refusal.ToResult(),
            StartOrderOutcome.Invalid invalid => StartOrderErrorPage.Render(StatusCodes.Status400BadRequest, invalid.Errors),
            _ => StartOrderErrorPage.Render(StatusCodes.Status403Forbidden, []),
        };
    }

    /// <summary>
    /// Whether the body is a url-encoded form, and in which charset: as the framework's form reader
    /// takes it, an absent, unknown or unsupported one (UTF-7) is UTF-8.
    /// </summary>
    private static bool TryFormEncoding(string? contentType, out Encoding encoding)
    {
        encoding = Encoding.UTF8;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            encoding = mediaType.Encoding ?? Encoding.UTF8;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            encoding = Encoding.UTF8;
        }

        return true;
    }

    private static async Task ReadFormAsync(Stream body, Encoding encoding, List<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        using var reader = new FormReader(body, encoding)
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
