using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;
using OneClick.Web.Features.Checkout.Payments;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout;

/// <summary>Turns a startorder request into an order, or into the refusal that says what to fix.</summary>
public sealed class OrderStarter(
    OneClickDbContext db,
    WriteGate gate,
    ShopSnapshots shops,
    PayInstant payInstant,
    ShopRateLimits shopLimits,
    TokenGuesses tokenGuesses,
    OneClickMetrics metrics,
    TimeProvider clock,
    ILogger<OrderStarter> logger)
{
    /// <param name="browserIdHash">The hash of the buyer's remembered-card cookie, if the browser has one.</param>
    /// <param name="client">Who sent the request (<see cref="RateLimiting.ClientKey(HttpContext)"/>), for the count of failed tokens.</param>
    /// <param name="browserLanguage">The browser's language (Accept-Language), the order's when the merchant named none.</param>
    public async Task<StartOrderOutcome> StartAsync(IEnumerable<KeyValuePair<string, string>> parameters, string? browserIdHash, string client, string? browserLanguage, CancellationToken cancellationToken)
    {
        var envelope = StartOrderParser.ReadEnvelope(parameters);
        if (envelope.Errors.Count > 0)
        {
            return Refuse(envelope.Errors);
        }

        var shop = envelope.ShopId is int shopId ? await shops.FindAsync(db, shopId, cancellationToken) : null;
        if (shop is null || !shop.IsActive)
        {
            return Refuse([new("shopID", $"{envelope.ShopId} is not an active shop. Check the shop id in the back-office.")]);
        }

        if (!FlexPaySignature.VerifyRequest(envelope.Signature, shop.ActiveKeys, envelope.Values, StartOrderParser.Names, shop.AcceptLegacySha1))
        {
            logger.LogWarning("startorder for shop {ShopId} refused: the signature does not match", shop.Id);
            return new StartOrderOutcome.BadSignature();
        }

        if (envelope.Misspelt.Count > 0)
        {
            // Ignored as section 2 says; the operator hears of it, in the known spelling only.
            logger.LogWarning("startorder for shop {ShopId}: parameters named like {Names} in other letters were ignored (names are case-sensitive)", shop.Id, envelope.Misspelt);
        }

        if (shopLimits.StartOrder(shop.Id) is { } overShopLimit)
        {
            logger.LogWarning("startorder for shop {ShopId} refused: over the shop's rate limit", shop.Id);
            return new StartOrderOutcome.Throttled(overShopLimit);
        }

        var (request, errors) = StartOrderParser.Validate(envelope, shop);
        if (request is null)
        {
            return Refuse(errors);
        }

        // A referenceID used before is found by the unique index when the order is saved, not by a
        // query first: one read fewer for every purchase, and the same answer for a parallel duplicate.
        var order = new Order(request with { Language = request.Language ?? browserLanguage }, clock.GetUtcNow().UtcDateTime);
        order.TraceAs(OneClickTraces.CurrentTraceParent()); // its payment joins this request's trace, whichever request pays
        // Rule 3: where the shop requires a billing address, the order page asks for it instead.
        if (request.OneClickToken is { } token && order.MayUseOneClickAt(shop) && !shop.RequiresBillingAddress)
        {
            // Checked before the token is looked up: past the limit, a guess learns nothing, and the
            // order page follows as for any token that cannot pay (rule 4).
            if (tokenGuesses.MayTry(client))
            {
                return await InstantAsync(order, shop, token, browserIdHash, request, client, cancellationToken);
            }

            logger.LogWarning("One-click token for shop {ShopId} not looked up: too many unknown tokens from this client", shop.Id);
            metrics.TokenRefused("guesses_limited");
        }

        // The instant path adds its order itself, in the write turn that spends the token; every other
        // startorder's order is added here.
        db.Orders.Add(order);
        try
        {
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateException ex) when (UniqueIndex.RefusedReference(ex, request.ReferenceId))
        {
            // Another request with the same referenceID won the race: resume that order instead.
            db.Entry(order).State = EntityState.Detached;
            return await ResumeWinnerAsync(request, ex, cancellationToken);
        }

        LogStarted(order);
        return new StartOrderOutcome.Started(order.Id);
    }

    /// <summary>
    /// Rule 3: a valid token from the browser that holds the card pays at once, with no input. Any
    /// other token (unknown, used, expired, another shop or browser, spent by a parallel request)
    /// leaves the order to the order page (rule 4).
    /// </summary>
    private async Task<StartOrderOutcome> InstantAsync(Order order, Shop shop, string token, string? browserIdHash, StartOrderRequest request, string client, CancellationToken cancellationToken)
    {
        var payment = await payInstant.RunAsync(order, shop, token, browserIdHash, cancellationToken);
        if (payment is PayInstantOutcome.NotCharged { TokenUnknown: true })
        {
            tokenGuesses.Failed(client);
        }

        if (payment is PayInstantOutcome.ReferenceTaken taken)
        {
            return await ResumeWinnerAsync(request, taken.Race, cancellationToken);
        }

        LogStarted(order);
        return payment is PayInstantOutcome.Charged { Outcome: PaymentOutcome.Declined { OrderClosed: false } declined }
            ? new StartOrderOutcome.Started(order.Id, $"/order/{order.Id}/declined/{declined.SaleId}")
            : new StartOrderOutcome.Started(order.Id);
    }

    private async Task<StartOrderOutcome> ResumeWinnerAsync(StartOrderRequest request, Exception race, CancellationToken cancellationToken)
    {
        var winner = await FindByReferenceAsync(request, cancellationToken)
            ?? throw new InvalidOperationException("The order that holds this referenceID vanished.", race);
        return Resume(winner, request);
    }

    private void LogStarted(Order order)
    {
        logger.LogInformation("Order {OrderId} started for shop {ShopId}: {Amount} {Currency}", order.Id, order.ShopId, order.Amount, order.Currency);
        metrics.OrderStarted(order.Channel);
    }

    private Task<Order?> FindByReferenceAsync(StartOrderRequest request, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.ShopId == request.ShopId && o.ReferenceId == request.ReferenceId, cancellationToken);

    private StartOrderOutcome Resume(Order existing, StartOrderRequest request)
    {
        if (existing.Channel != OrderChannel.StartOrder)
        {
            return Refuse([new("referenceID", "is already used by an order this shop made through the JSON API. Every purchase needs its own referenceID.")]);
        }

        if (existing.Amount != request.Price.Amount || existing.Currency != request.Price.Currency)
        {
            return Refuse([new("referenceID", $"is already used by this shop's order of {existing.Price}. Every purchase needs its own referenceID.")]);
        }

        logger.LogInformation("Order {OrderId} resumed by its referenceID", existing.Id);
        return new StartOrderOutcome.Started(existing.Id);
    }

    private StartOrderOutcome.Invalid Refuse(IReadOnlyList<ParameterError> errors)
    {
        logger.LogInformation("startorder refused: {Parameters}", string.Join(", ", errors.Select(e => e.Parameter)));
        return new StartOrderOutcome.Invalid(errors);
    }
}

public abstract record StartOrderOutcome
{
    /// <param name="Location">Where the buyer goes; the order page unless said otherwise.</param>
    public sealed record Started(string OrderId, string? Location = null) : StartOrderOutcome;

    public sealed record Invalid(IReadOnlyList<ParameterError> Errors) : StartOrderOutcome;

    public sealed record BadSignature : StartOrderOutcome;

    /// <summary>Over the shop's rate limit: 429.</summary>
    public sealed record Throttled(RateLimitRefusal Refusal) : StartOrderOutcome;
}
