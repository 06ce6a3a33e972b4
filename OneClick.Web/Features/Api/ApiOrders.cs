using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Checkout;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api;

/// <summary>Orders of the JSON API: the hosted page and pay-by-link, with CIT contracts (docs/protocol.md section 7).</summary>
public sealed class ApiOrders(OneClickDbContext db, IOptions<OneClickOptions> options, TimeProvider clock, ILogger<ApiOrders> logger)
{
    /// <summary>Checks and adds the order to the context (the caller saves it with the idempotency key).</summary>
    public async Task<ApiAnswer> CreateAsync(Shop shop, OrderChannel channel, OrderBody body, Uri requestBase, CancellationToken cancellationToken)
    {
        var (request, errors) = ApiOrderParser.Parse(channel, body.ToFields(), shop, Now);
        if (request is null)
        {
            return ApiAnswer.Invalid(errors);
        }

        if (await db.Orders.AnyAsync(o => o.ShopId == shop.Id && o.ReferenceId == request.OrderId, cancellationToken))
        {
            return ApiAnswer.Conflict("order-id-in-use", $"order.orderId '{request.OrderId}' is already used by another order of this shop. Each order needs its own id.",
                "order.orderId", "is already used by another order of this shop.");
        }

        if (await RefuseRecurrenceAsync(shop, request, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var order = db.Orders.Add(new Order(request, Now)).Entity;
        var page = new Uri(PublicBase(requestBase), $"/order/{order.Id}").AbsoluteUri;
        logger.LogInformation("API order {OrderId} ({Channel}, {Recurrence}) created for shop {ShopId}", order.Id, channel, request.Recurrence, shop.Id);
        return channel == OrderChannel.PayByLink
            ? ApiAnswer.Ok(new PaymentLinkCreated(page, order.SecurityToken!))
            : ApiAnswer.Ok(new HostedPageCreated(page, order.SecurityToken!));
    }

    public async Task<ApiAnswer> GetAsync(Shop shop, string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.ShopId == shop.Id && o.ReferenceId == orderId, cancellationToken);
        if (order is null)
        {
            return ApiAnswer.NotFound($"This shop has no order with orderId '{ApiAnswer.Echo(orderId)}'.");
        }

        var sales = await db.Sales.AsNoTracking().Where(s => s.OrderId == order.Id).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var state = order.StateAt(Now);
        return ApiAnswer.Ok(new OrderDetails(
            order.ReferenceId!,
            ApiNames.Of(state),
            ApiNames.Of(order.Channel),
            decimal.ToInt64(order.Amount * 100),
            order.Currency,
            order.CustomerNumber,
            order.Description,
            order.Recurrence is { } action ? new RecurrenceDetails(ApiOrderParser.ActionName(action), order.ContractId, order.ContractId is null ? null : "CIT") : null,
            order.ExpiresAt,
            order.CreatedAt,
            [.. sales.Select(s => new OperationDetails(
                s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "AUTHORIZATION",
                ApiNames.Of(s.Result),
                decimal.ToInt64(s.Amount * 100),
                s.Currency,
                ApiNames.Circuit(s.Brand),
                "***" + s.TruncatedPan[^4..],
                s.ThreeDSecureChallenged,
                s.DeclineReason?.ForStaff(),
                s.CreatedAt,
                s.CompletedAt))]));
    }

    private async Task<ApiAnswer?> RefuseRecurrenceAsync(Shop shop, ApiOrderRequest request, CancellationToken cancellationToken)
    {
        const string field = "paymentSession.recurrence.contractId";
        if (request.Recurrence == RecurrenceAction.NoRecurring)
        {
            return null;
        }

        var customer = await db.Customers.AsNoTracking()
            .SingleOrDefaultAsync(c => c.CustomerUnionId == shop.CustomerUnionId && c.Number == request.CustomerId, cancellationToken);
        if (customer is { MayUseOneClick: false })
        {
            return ApiAnswer.Invalid([new("order.customerId", "is set to Deny in the back-office: no card is saved or charged without card entry for this customer. Use NO_RECURRING, or set the customer back to Member.")]);
        }

        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.ShopId == shop.Id && c.ContractId == request.ContractId, cancellationToken);
        if (request.Recurrence == RecurrenceAction.ContractCreation)
        {
            if (contract is { State: not ContractState.Pending })
            {
                return ApiAnswer.Conflict("contract-id-in-use", $"{field} '{request.ContractId}' is already in use in this shop. Choose a new contractId for a new contract.",
                    field, "is already in use in this shop: choose a new contractId for a new contract.");
            }

            if (contract is not null && await CreationUnderWayAsync(contract, cancellationToken) is { } creatingOrder)
            {
                return ApiAnswer.Conflict("contract-id-in-use", $"{field} '{request.ContractId}' is being created by order '{creatingOrder}', whose payment is under way. Wait for its result, or choose a new contractId.",
                    field, $"is being created by order '{creatingOrder}', whose payment is under way.");
            }

            if (contract is not null)
            {
                // Left by a first payment that ended without its answer (a crash): it gives way.
                db.Contracts.Remove(contract);
                logger.LogInformation("Pending contract {ContractId} of shop {ShopId} given up: its first payment ended without an answer", contract.Id, shop.Id);
            }

            // Other open orders creating the same contract may exist: the first payment approved saves it,
            // and the others are refused at payment (the contract id is unique in the database).
            return null;
        }

        // SUBSEQUENT_PAYMENT. Another shop's contract is refused like an unknown one: it is not this shop's to know.
        if (contract is null || contract.State == ContractState.Pending)
        {
            return ApiAnswer.Invalid([new(field, $"'{request.ContractId}' is not a contract of this shop. Create it first with a CONTRACT_CREATION order.")]);
        }

        if (contract.State == ContractState.Deactivated)
        {
            return ApiAnswer.Invalid([new(field, $"'{request.ContractId}' was deactivated on {contract.DeactivatedAt:yyyy-MM-dd} and can never be charged again. Create a new contract with a CONTRACT_CREATION order.")]);
        }

        if (customer is null || contract.CustomerId != customer.Id)
        {
            return ApiAnswer.Invalid([new(field, $"'{request.ContractId}' belongs to another customer, not to order.customerId '{request.CustomerId}'.")]);
        }

        return null;
    }

    /// <summary>
    /// The merchant's id of the order whose first payment holds this pending contract, while it can still
    /// end: a challenge is open until the buyer answers or <see cref="AbandonedAuthenticationJob"/> gives it
    /// up; a payment waiting for the acquirer, until <see cref="Sale.PendingCountsFor"/> (after
    /// that only a crash can have left it).
    /// </summary>
    private async Task<string?> CreationUnderWayAsync(Contract pending, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking()
            .Where(o => o.Id == pending.CreatedByOrderId)
            .Select(o => new { o.ReferenceId, o.State, o.UpdatedAt })
            .SingleOrDefaultAsync(cancellationToken);
        var underWay = order is { State: OrderState.AwaitingAuthentication }
            || (order is { State: OrderState.Processing } && order.UpdatedAt > Now - Sale.PendingCountsFor);
        return underWay ? order!.ReferenceId ?? pending.CreatedByOrderId : null;
    }

    private Uri PublicBase(Uri requestBase) =>
        options.Value.PublicUrl is { } configured && Uri.TryCreate(configured, UriKind.Absolute, out var publicUrl) ? publicUrl : requestBase;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

}

public sealed record OrderDetails(
    string OrderId,
    string Status,
    string Channel,
    long Amount,
    string Currency,
    string? CustomerId,
    string Description,
    RecurrenceDetails? Recurrence,
    DateTime? ExpiresAt,
    DateTime CreatedAt,
    IReadOnlyList<OperationDetails> Operations);

public sealed record RecurrenceDetails(string Action, string? ContractId, string? ContractType);

/// <param name="OperationId">The gateway's saleID.</param>
/// <param name="OperationResult">PENDING, APPROVED, DECLINED, ERROR or REFUNDED.</param>
public sealed record OperationDetails(
    string OperationId,
    string OperationType,
    string OperationResult,
    long Amount,
    string Currency,
    string PaymentCircuit,
    string PaymentInstrumentInfo,
    bool ThreeDSecureChallenged,
    string? DeclineReason,
    DateTime CreatedAt,
    DateTime? CompletedAt);

/// <summary>The API's upper-case names of the gateway's states.</summary>
public static class ApiNames
{
    public static string Of(OrderState state) => state switch
    {
        OrderState.Open => "OPEN",
        OrderState.Processing => "PROCESSING",
        OrderState.AwaitingAuthentication => "AWAITING_AUTHENTICATION",
        OrderState.Approved => "APPROVED",
        OrderState.Declined => "DECLINED",
        OrderState.Expired => "EXPIRED",
        OrderState.Cancelled => "CANCELLED",
        _ => state.ToString().ToUpperInvariant(),
    };

    public static string Of(OrderChannel channel) => channel switch
    {
        OrderChannel.HostedPage => "HOSTED_PAGE",
        OrderChannel.PayByLink => "PAY_BY_LINK",
        _ => "STARTORDER",
    };

    public static string Of(SaleResult result) => result.ToString().ToUpperInvariant();

    public static string Of(ContractState state) => state.ToString().ToUpperInvariant();

    /// <summary>The card scheme, as XPay names a payment circuit.</summary>
    public static string Circuit(OneClick.Core.Cards.CardBrand brand) => brand switch
    {
        OneClick.Core.Cards.CardBrand.Visa => "VISA",
        OneClick.Core.Cards.CardBrand.Mastercard => "MC",
        OneClick.Core.Cards.CardBrand.Amex => "AMEX",
        _ => brand.ToString().ToUpperInvariant(),
    };
}
