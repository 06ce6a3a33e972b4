using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OneClick.Web.Features.Checkout;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;

namespace OneClick.Web.Hosting;

/// <summary>
/// Per client address limits, before any work: startorder and salestatus, payment posts (card
/// guessing, floods), the JSON API (key guessing included) and the back-office sign-in forms
/// (password spraying). The per-shop limits count later, once a request proved its shop
/// (<see cref="ShopRateLimits"/>), and so do failed oneClickTokens (<see cref="TokenGuesses"/>).
/// All count in this process's memory (docs/decisions/015-rate-limits.md).
/// </summary>
public static class RateLimiting
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>The forms whose posts try a password, a code or an e-mail address.</summary>
    private static readonly string[] SignInForms = ["/account/login", "/account/login-2fa", "/account/forgot-password", "/account/reset-password"];

    public static IServiceCollection AddOneClickRateLimiting(this IServiceCollection services, RateLimitOptions limits)
    {
        services.AddSingleton(limits);
        services.AddSingleton<ShopRateLimits>();
        services.AddSingleton<TokenGuesses>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<TimeProvider>((options, clock) =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var refusal = RateLimitRefusal.Of(context.Lease);
                context.HttpContext.RequestServices.GetRequiredService<OneClickMetrics>().RateLimitRefused(refusal.Policy);
                return new ValueTask(refusal.WriteAsync(context.HttpContext));
            };
            options.AddPolicy(StartOrderEndpoint.RateLimitPolicy, context => Window(clock, "startorder", context, limits.StartOrderPerMinute,
                $"Too many requests from your address: the gateway takes at most {limits.StartOrderPerMinute} startorder and salestatus requests a minute from one address."));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => context.Request.Path switch
            {
                var path when HttpMethods.IsPost(context.Request.Method) && path.StartsWithSegments("/order") =>
                    Window(clock, "pay", context, limits.PaymentPerMinute,
                        $"Too many payment attempts from your address: the gateway takes at most {limits.PaymentPerMinute} a minute from one address."),
                var path when path.StartsWithSegments("/api/v1") =>
                    Window(clock, "api", context, limits.ApiPerMinute,
                        $"Too many requests from your address: the API takes at most {limits.ApiPerMinute} a minute from one address."),
                var path when HttpMethods.IsPost(context.Request.Method) && SignInForms.Any(form => path.StartsWithSegments(form)) =>
                    Window(clock, "sign-in", context, limits.SignInPerMinute,
                        $"Too many sign-in attempts from your address: the back-office takes at most {limits.SignInPerMinute} a minute from one address."),
                _ => RateLimitPartition.GetNoLimiter(""),
            });
        });
        return services;
    }

    private static RateLimitPartition<string> Window(TimeProvider clock, string area, HttpContext context, int permits, string reason) =>
        RateLimitPartition.Get(area + ":" + ClientKey(context), _ => new ClockWindowLimiter(clock, permits, Minute, reason, area));

    /// <summary>
    /// Who a request comes from, for per-client limits: its address, an IPv6 one by its /64 (one
    /// subscriber's network holds 2^64 addresses, each of which would otherwise get a budget of its own).
    /// </summary>
    public static string ClientKey(HttpContext context) => ClientKey(context.Connection.RemoteIpAddress);

    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
