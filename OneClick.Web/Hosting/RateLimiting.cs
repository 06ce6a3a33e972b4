using System.Threading.RateLimiting;
using OneClick.Web.Features.Checkout;

namespace OneClick.Web.Hosting;

/// <summary>Per client address limits on startorder and on payment posts (card guessing, floods).</summary>
public static class RateLimiting
{
    public static IServiceCollection AddOneClickRateLimiting(this IServiceCollection services, RateLimitOptions limits)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many requests from your address. Wait a minute, then try again.", cancellationToken);
            };
            options.AddPolicy(StartOrderEndpoint.RateLimitPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => Window(limits.StartOrderPerMinute)));
            // Payment posts (card entry, 3-D Secure answers) are limited wherever they go.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/order")
                    ? RateLimitPartition.GetFixedWindowLimiter("pay:" + ClientKey(context), _ => Window(limits.PaymentPerMinute))
                    : RateLimitPartition.GetNoLimiter("none"));
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };

    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
