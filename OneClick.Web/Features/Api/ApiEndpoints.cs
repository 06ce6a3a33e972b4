using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;
using Quartz;

namespace OneClick.Web.Features.Api;

/// <summary>The JSON API of PROTOCOL.md section 7 under <c>/api/v1</c>, authenticated by a shop's <c>X-API-KEY</c>.</summary>
public static class ApiEndpoints
{
    public const string KeyHeader = "X-API-KEY";

    public const string IdempotencyHeader = "Idempotency-Key";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddScoped<IdempotentPosts>();
        services.AddScoped<ApiOrders>();
        services.AddScoped<ApiContracts>();
        services.AddQuartz(q => q.ScheduleJob<PaymentLinkExpiryJob>(
            trigger => trigger.WithIdentity("payment-link-expiry", "oneclick").WithSimpleSchedule(TimeSpan.FromMinutes(1)),
            job => job.WithIdentity(PaymentLinkExpiryJob.Key)));
        return services;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").AddEndpointFilter(AuthenticateAsync).WithTags("OneClick API");

        api.MapPost("/orders/hpp", (HttpContext http, IdempotentPosts posts, ApiOrders orders) =>
                PostAsync<OrderBody>(http, posts, (shop, body, ct) => orders.CreateAsync(shop, OrderChannel.HostedPage, body, BaseOf(http), ct)))
            .WithName("CreateHostedPageOrder");
        api.MapPost("/orders/paybylink", (HttpContext http, IdempotentPosts posts, ApiOrders orders) =>
                PostAsync<OrderBody>(http, posts, (shop, body, ct) => orders.CreateAsync(shop, OrderChannel.PayByLink, body, BaseOf(http), ct)))
            .WithName("CreatePayByLinkOrder");
        api.MapGet("/orders/{orderId}", async (HttpContext http, string orderId, ApiOrders orders) =>
                (await orders.GetAsync(ShopOf(http), orderId, http.RequestAborted)).ToResult())
            .WithName("GetOrder");
        api.MapGet("/contracts/customers/{customerId}", async (HttpContext http, string customerId, ApiContracts contracts) =>
                (await contracts.ListAsync(ShopOf(http), customerId, http.RequestAborted)).ToResult())
            .WithName("ListCustomerContracts");
        api.MapPost("/contracts/{contractId}/deactivation", (HttpContext http, string contractId, IdempotentPosts posts, ApiContracts contracts) =>
                PostAsync(http, posts, (shop, ct) => contracts.DeactivateAsync(shop, contractId, ct)))
            .WithName("DeactivateContract");
        return app;
    }

    /// <summary>A POST with a JSON body: read strictly, then run once per idempotency key.</summary>
    private static async Task<IResult> PostAsync<T>(HttpContext http, IdempotentPosts posts, Func<Shop, T, CancellationToken, Task<ApiAnswer>> execute)
        where T : class
    {
        if (!IsJson(http.Request))
        {
            return ApiAnswer.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON",
                "Send the body as JSON with the header Content-Type: application/json.").ToResult();
        }

        var bytes = await ReadBodyAsync(http);
        if (bytes is null)
        {
            return TooLarge().ToResult();
        }

        var (body, problem) = ApiBody.Read<T>(bytes);
        if (problem is not null)
        {
            return problem.ToResult();
        }

        var (answer, replayed) = await posts.RunAsync(ShopOf(http), IdempotencyKeyOf(http), http.Request, bytes, ct => execute(ShopOf(http), body!, ct), http.RequestAborted);
        return answer.ToResult(replayed);
    }

    /// <summary>A POST whose body, if any, is not read: the idempotency key still covers it.</summary>
    private static async Task<IResult> PostAsync(HttpContext http, IdempotentPosts posts, Func<Shop, CancellationToken, Task<ApiAnswer>> execute)
    {
        // A body too large to read whole is refused, not taken as empty: the key's hash covers what was sent.
        if (await ReadBodyAsync(http) is not { } bytes)
        {
            return TooLarge().ToResult();
        }

        var (answer, replayed) = await posts.RunAsync(ShopOf(http), IdempotencyKeyOf(http), http.Request, bytes, ct => execute(ShopOf(http), ct), http.RequestAborted);
        return answer.ToResult(replayed);
    }

    private static ApiAnswer TooLarge() =>
        ApiAnswer.Problem(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The body is too large",
            $"The body must be at most {ApiBody.MaxBytes / 1024} KiB.");

    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.Request.Headers[KeyHeader];
        if (keys.Count != 1 || string.IsNullOrEmpty(keys[0]))
        {
            return Unauthorized(http, keys.Count > 1 ? $"Send one {KeyHeader} header, not {keys.Count}." : $"Send the shop's API key in the {KeyHeader} header. Create one in the back-office: Shops, API keys.");
        }

        var db = http.RequestServices.GetRequiredService<OneClickDbContext>();
        // Looked up by its SHA-256: the stored form is never the key, and a hash's prefix tells an attacker nothing.
        var hash = ApiKey.Hash(keys[0]!);
        var shopId = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null).Select(k => (int?)k.ShopId).FirstOrDefaultAsync(http.RequestAborted);
        var shop = shopId is { } id ? await http.RequestServices.GetRequiredService<ShopSnapshots>().FindAsync(db, id, http.RequestAborted) : null;
        if (shop is null)
        {
            return Unauthorized(http, $"The {KeyHeader} is unknown or revoked. Check the key, or create a new one in the back-office: Shops, API keys.");
        }

        if (!shop.IsActive)
        {
            return ApiAnswer.Problem(StatusCodes.Status403Forbidden, "shop-inactive", "The shop is not active", "This API key's shop is not active: it takes no orders.").ToResult();
        }

        http.Items[typeof(Shop)] = shop;
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            // A merchant's server reads JSON, never the HTML error page.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiEndpoints))
                .LogError(ex, "API {Method} {Path} failed", http.Request.Method, http.Request.Path.Value);
            return ApiAnswer.Problem(StatusCodes.Status500InternalServerError, "internal-error", "Internal error",
                "The gateway failed to answer; nothing was changed by this request. Send it again (with the same Idempotency-Key).").ToResult();
        }
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"" + KeyHeader + "\"";
        return ApiAnswer.Problem(StatusCodes.Status401Unauthorized, "unauthorized", "No valid API key", detail).ToResult();
    }

    private static Shop ShopOf(HttpContext http) => (Shop)http.Items[typeof(Shop)]!;

    private static string? IdempotencyKeyOf(HttpContext http) =>
        http.Request.Headers[IdempotencyHeader] is { Count: > 0 } values ? string.Join(",", values.ToArray()) : null;

    private static Uri BaseOf(HttpContext http) => new($"{http.Request.Scheme}://{http.Request.Host}/");

    private static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is larger than <see cref="ApiBody.MaxBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > ApiBody.MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
