using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Web.Features.Api.Commands;
using OneClick.Web.Features.Api.Queries;
using OneClick.Web.Features.Contracts.Commands;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api;

/// <summary>The JSON API of docs/protocol.md section 7 under <c>/api/v1</c>, authenticated by a shop's <c>X-API-KEY</c>.</summary>
public static class ApiEndpoints
{
    public const string KeyHeader = "X-API-KEY";

    public const string IdempotencyHeader = "Idempotency-Key";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddScoped<IdempotentPosts>();
        services.AddScoped<Commands.CreateApiOrder>();
        services.AddScoped<Queries.ApiOrderQuery>();
        services.AddScoped<Queries.CustomerContractsQuery>();
        services.AddApiDocument();
        services.AddScoped<Commands.ExpirePaymentLinks>();
        services.AddScoped<Commands.ForgetIdempotencyKeys>();
        return services;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").AddEndpointFilter(AuthenticateAsync)
            .Refuses(StatusCodes.Status401Unauthorized, $"The {KeyHeader} header is missing, sent twice, unknown or revoked.")
            .Refuses(StatusCodes.Status403Forbidden, "The API key's shop is not active: it takes no orders.")
            .Refuses(StatusCodes.Status429TooManyRequests,
                "Too many requests from your address, or with your shop's API keys, in a minute (detail says which, and the limit). " +
                "Nothing was done: send the request again after the seconds in the Retry-After header.");
        var orders = api.MapGroup("/orders").WithTags("Orders");
        var contracts = api.MapGroup("/contracts").WithTags("Contracts");

        orders.MapPost("/hpp", (HttpContext http, IdempotentPosts posts, CreateApiOrder create, OneClickMetrics metrics) =>
                PostAsync<OrderBody>(http, posts, (shop, body, ct) => create.RunAsync(shop, OrderChannel.HostedPage, body, BaseOf(http), ct), () => metrics.OrderStarted(OrderChannel.HostedPage)))
            .WithName("CreateHostedPageOrder")
            .WithSummary("Create an order paid on the hosted page")
            .WithDescription(
                "Creates an order and answers the address of the gateway's payment page (hostedPage): send the buyer's browser there. " +
                "With recurrence.action CONTRACT_CREATION, the card the buyer enters is saved under contractId for order.customerId once the payment is approved " +
                "after 3-D Secure authentication. With SUBSEQUENT_PAYMENT, the page shows that contract's masked card; the buyer confirms and authenticates " +
                "again with 3-D Secure, without entering the card. The buyer then goes to resultUrl (approved) or cancelUrl (declined or cancelled), " +
                "and notificationUrl receives the approved result from the gateway's server.")
            .WithMetadata(new ApiDocument.RequestBody(typeof(HostedPageOrderBody), "The order and where its results go."))
            .Idempotent()
            .Answers<HostedPageCreated>(StatusCodes.Status200OK, "The order was created: send the buyer to hostedPage. Keep securityToken: the order's results carry it.")
            .RefusesBody()
            .Refuses(StatusCodes.Status409Conflict,
                "order.orderId is already used by another order of this shop; or, with CONTRACT_CREATION, the contractId is already a contract of this shop " +
                "or its first payment is under way on another order; or the Idempotency-Key was used for another request, or its first request is still running.")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "A field breaks a rule: errors names each field by its JSON path (e.g. order.amount) with the rule.");

        orders.MapPost("/paybylink", (HttpContext http, IdempotentPosts posts, CreateApiOrder create, OneClickMetrics metrics) =>
                PostAsync<OrderBody>(http, posts, (shop, body, ct) => create.RunAsync(shop, OrderChannel.PayByLink, body, BaseOf(http), ct), () => metrics.OrderStarted(OrderChannel.PayByLink)))
            .WithName("CreatePayByLinkOrder")
            .WithSummary("Create a payment link")
            .WithDescription(
                "Creates an order paid through a link that you send to the buyer (by e-mail, chat, on an invoice): the same body as the hosted page, plus expiresAt, " +
                "between 5 minutes and 30 days ahead. The link opens the same payment page and can be paid once; after expiresAt it no longer opens, " +
                "and the order's status becomes EXPIRED. CONTRACT_CREATION and SUBSEQUENT_PAYMENT work as on the hosted page.")
            .WithMetadata(new ApiDocument.RequestBody(typeof(PayByLinkOrderBody), "The order, where its results go, and when the link stops working."))
            .Idempotent()
            .Answers<PaymentLinkCreated>(StatusCodes.Status200OK, "The link was created: send paymentLink to the buyer. Keep securityToken: the order's results carry it.")
            .RefusesBody()
            .Refuses(StatusCodes.Status409Conflict,
                "order.orderId is already used by another order of this shop; or, with CONTRACT_CREATION, the contractId is already a contract of this shop " +
                "or its first payment is under way on another order; or the Idempotency-Key was used for another request, or its first request is still running.")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "A field breaks a rule (e.g. expiresAt less than 5 minutes ahead): errors names each field by its JSON path with the rule.");

        orders.MapGet("/{orderId}", async (HttpContext http, [Description("Your orderId of the order (order.orderId when it was created).")] string orderId, ApiOrderQuery order) =>
                (await order.RunAsync(ShopOf(http), orderId, http.RequestAborted)).ToResult())
            .WithName("GetOrder")
            .WithSummary("Get an order and its operations")
            .WithDescription(
                "The order as the gateway knows it now: its status (OPEN, PROCESSING, AWAITING_AUTHENTICATION, APPROVED, DECLINED, EXPIRED, CANCELLED) " +
                "and its operations, one per payment attempt that reached the acquirer, with the result and the masked card.")
            .Answers<OrderDetails>(StatusCodes.Status200OK, "The order and its operations.")
            .Refuses(StatusCodes.Status404NotFound, "This shop has no order with this orderId.");

        contracts.MapGet("/customers/{customerId}", async (HttpContext http, [Description("Your id of the customer (order.customerId of their orders).")] string customerId, CustomerContractsQuery contracts) =>
                (await contracts.RunAsync(ShopOf(http), customerId, http.RequestAborted)).ToResult())
            .WithName("ListCustomerContracts")
            .WithSummary("List a customer's contracts")
            .WithDescription("The customer's CIT contracts in this shop, active and deactivated, each with its masked card. A contract whose first payment is still under way is not listed.")
            .Answers<CustomerContracts>(StatusCodes.Status200OK, "The customer's contracts, oldest first.")
            .Refuses(StatusCodes.Status404NotFound, "The customer has no contracts in this shop.");

        contracts.MapPost("/{contractId}/deactivation", (HttpContext http, [Description("Your contractId of the contract (paymentSession.recurrence.contractId of its CONTRACT_CREATION order).")] string contractId, IdempotentPosts posts, DeactivateContract deactivate) =>
                PostAsync(http, posts, async (shop, ct) => Deactivation(await deactivate.RunAsync(shop.Id, contractId, CallerOf(http), ct), contractId)))
            .WithName("DeactivateContract")
            .WithSummary("Deactivate a contract for good")
            .WithDescription(
                "Deactivates the contract: it can never be charged again, and its card data is erased. This is final; to charge the customer's card again, " +
                "create a new contract with a CONTRACT_CREATION order. Deactivating a deactivated contract answers the same. The request has no body.")
            .Idempotent()
            .Answers<ContractDetails>(StatusCodes.Status200OK, "The contract, now DEACTIVATED.")
            .Refuses(StatusCodes.Status400BadRequest, "The Idempotency-Key header is malformed.")
            .Refuses(StatusCodes.Status404NotFound, "This shop has no contract with this contractId.")
            .Refuses(StatusCodes.Status409Conflict, "The Idempotency-Key was used for another request, or its first request is still running.");

        app.MapApiDocument();
        return app;
    }

    /// <summary>The API's answer to a deactivation, which runs in the idempotent post's write turn; deactivating again answers the same.</summary>
    private static ApiAnswer Deactivation(DeactivateContractOutcome outcome, string contractId) => outcome switch
    {
        { Result: DeactivateContractResult.NotFound } => ApiAnswer.NotFound($"This shop has no contract '{ApiAnswer.Echo(contractId)}'."),
        // Answered only once final: a deactivation that said 200 while the acquirer approved would be a lie.
        { Result: DeactivateContractResult.PaymentInFlight } => ApiAnswer.Conflict("payment-in-progress", $"A payment on contract '{ApiAnswer.Echo(contractId)}' is being authorised right now. Send the deactivation again in a few seconds.", retryable: true),
        _ => ApiAnswer.Ok(ContractDetails.Of(outcome.Contract!)),
    };

    private static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder.WithMetadata(new ApiDocument.Idempotent());

    /// <summary>The refusals of every POST that reads a JSON body.</summary>
    private static RouteHandlerBuilder RefusesBody(this RouteHandlerBuilder builder) => builder
        .Refuses(StatusCodes.Status400BadRequest, "The body is empty or is not well-formed JSON, or the Idempotency-Key header is malformed.")
        .Refuses(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {ApiBody.MaxBytes / 1024} KiB.")
        .Refuses(StatusCodes.Status415UnsupportedMediaType, "The Content-Type is not JSON: send Content-Type: application/json.");

    /// <summary>A POST with a JSON body: read strictly, then run once per idempotency key.</summary>
    /// <param name="done">Called once what the POST did is committed (not for a refusal, nor a replayed answer): counted there.</param>
    private static async Task<IResult> PostAsync<T>(HttpContext http, IdempotentPosts posts, Func<Shop, T, CancellationToken, Task<ApiAnswer>> execute, Action? done = null)
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
        if (!replayed && !answer.IsProblem)
        {
            done?.Invoke();
        }

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
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.ShopId, k.Prefix, k.Name }).FirstOrDefaultAsync(http.RequestAborted);
        var shop = key is not null ? await http.RequestServices.GetRequiredService<ShopSnapshots>().FindAsync(db, key.ShopId, http.RequestAborted) : null;
        if (shop is null)
        {
            return Unauthorized(http, $"The {KeyHeader} is unknown or revoked. Check the key, or create a new one in the back-office: Shops, API keys.");
        }

        if (!shop.IsActive)
        {
            return ApiAnswer.Problem(StatusCodes.Status403Forbidden, "shop-inactive", "The shop is not active", "This API key's shop is not active: it takes no orders.").ToResult();
        }

        if (http.RequestServices.GetRequiredService<ShopRateLimits>().Api(shop.Id) is { } overShopLimit)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiEndpoints))
                .LogWarning("API request for shop {ShopId} refused: over the shop's rate limit", shop.Id);
            return overShopLimit.ToResult();
        }

        http.Items[typeof(Shop)] = shop;
        http.Items[typeof(ApiKey)] = $"API key {key!.Prefix}… ({key.Name})";
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

    /// <summary>Who calls, for the audit log: the API key by its shown prefix and name, never the key.</summary>
    private static string CallerOf(HttpContext http) => (string)http.Items[typeof(ApiKey)]!;

    /// <summary>
    /// The header's value; two headers read as one list ("a, b", RFC 9110 section 5.3), which is no
    /// valid key: a request that names two keys is refused, not run under a key made of both.
    /// </summary>
    private static string? IdempotencyKeyOf(HttpContext http) =>
        http.Request.Headers[IdempotencyHeader] is { Count: > 0 } values ? string.Join(", ", values.ToArray()) : null;

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
