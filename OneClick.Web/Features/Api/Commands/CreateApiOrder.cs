using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api.Commands;

/// <summary>
/// Creates an order of the JSON API: the hosted page or pay-by-link, with CIT contracts
/// (docs/protocol.md section 7). It checks the order and adds it to the context; it runs in the
/// caller's write turn, which saves it with the idempotency record (decision 021).
/// </summary>
public sealed class CreateApiOrder(OneClickDbContext db, IOptions<OneClickOptions> options, TimeProvider clock, ILogger<CreateApiOrder> logger)
{
    public async Task<ApiAnswer> RunAsync(Shop shop, OrderChannel channel, OrderBody body, Uri requestBase, CancellationToken cancellationToken)
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
        order.TraceAs(OneClickTraces.CurrentTraceParent()); // the buyer's payment on the hosted page joins this request's trace
        var page = new Uri(PublicBase(requestBase), $"/order/{order.Id}").AbsoluteUri;
        logger.LogInformation("API order {OrderId} ({Channel}, {Recurrence}) created for shop {ShopId}", order.Id, channel, request.Recurrence, shop.Id);
        return channel == OrderChannel.PayByLink
            ? ApiAnswer.Ok(new PaymentLinkCreated(page, order.SecurityToken!))
            : ApiAnswer.Ok(new HostedPageCreated(page, order.SecurityToken!));
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
    /// end: a challenge is open until the buyer answers or <see cref="Checkout.Payments.GiveUpAbandonedChallenges"/> gives it
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
