using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using OneClick.Web.Components;
using OneClick.Web.Features.Api;
using OneClick.Web.Features.SaleStatus;

namespace OneClick.Web.Hosting;

/// <summary>
/// A request over a rate limit: which limit (in words) and how long until it takes requests again.
/// Answered 429 with <c>Retry-After</c> in the style of what was asked: problem details on the API,
/// the protocol's error lines on <c>/salestatus</c>, a page everywhere else (a browser's).
/// </summary>
public sealed record RateLimitRefusal(string Reason, TimeSpan RetryAfter)
{
    /// <summary>Whole seconds, rounded up and at least 1: a client that waits this long is let in.</summary>
    public int RetryAfterSeconds => (int)Math.Clamp(Math.Ceiling(RetryAfter.TotalSeconds), 1, int.MaxValue);

    /// <summary>The refusal a limiter's lease carries (<see cref="ClockWindowLimiter"/> puts both in).</summary>
    public static RateLimitRefusal Of(RateLimitLease lease) => new(
        lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) && !string.IsNullOrEmpty(reason) ? reason : "Too many requests.",
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1))
    {
        Policy = lease.TryGetMetadata(ClockWindowLimiter.PolicyMetadata, out var policy) && policy is string name ? name : "other",
    };

    /// <summary>Which limit refused (a fixed word, the label of <c>oneclick.rate_limit.refusals</c>).</summary>
    public string Policy { get; init; } = "other";

    /// <summary>Null when the lease was granted.</summary>
    public static RateLimitRefusal? IfRefused(RateLimitLease lease)
    {
        using (lease)
        {
            return lease.IsAcquired ? null : Of(lease);
        }
    }

    public string Message => $"{Reason} Try again in {RetryAfterSeconds} second{(RetryAfterSeconds == 1 ? "" : "s")}.";

    public IResult ToResult() => new Written(this);

    public Task WriteAsync(HttpContext http) => new Written(this).ExecuteAsync(http);

    private sealed class Written(RateLimitRefusal refusal) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            var path = httpContext.Request.Path;
            IResult answer = path.StartsWithSegments("/api")
                ? ApiAnswer.Problem(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests", refusal.Message).ToResult()
                : path.StartsWithSegments(SaleStatusEndpoint.Route)
                    ? SaleStatusAnswer.TooManyRequests(refusal)
                    : new RazorComponentResult<TooManyRequests>(new { refusal.Reason, refusal.RetryAfterSeconds }) { StatusCode = StatusCodes.Status429TooManyRequests };
            return answer.ExecuteAsync(httpContext);
        }
    }
}
