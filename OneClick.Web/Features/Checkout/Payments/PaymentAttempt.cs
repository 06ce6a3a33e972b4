using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>
/// Starts a payment on the order page (decision 004): the order is taken for the attempt by a
/// concurrency-checked state change and the sale recorded as pending, in one write turn, before the
/// acquirer is called; then <see cref="Settlement"/> asks it. Two submissions of the same form cannot
/// both charge, and a crash leaves a pending sale to reconcile rather than a lost one. Used by the
/// payment commands only, in their scope and unit of work.
/// </summary>
public sealed class PaymentAttempt(
    OneClickDbContext db,
    WriteGate gate,
    Settlement settlement,
    TurnoverQuery turnover,
    ChargeableContractQuery chargeable,
    TimeProvider clock,
    ILogger<PaymentAttempt> logger)
{
    /// <param name="saved">The saved card that pays, or the card being remembered with a full entry.</param>
    public async Task<PaymentOutcome> RunAsync(Order order, Shop shop, AuthorizationRequest request, SavedCard? saved, string? browserIdHash, CancellationToken cancellationToken)
    {
        if (order.State != OrderState.Open)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        if (order.IsExpired(Now))
        {
            return new PaymentOutcome.NotPayable(OrderState.Expired);
        }

        // A card chosen on the page is a one-click payment: the CVC lock and the turnover limit
        // apply. A card remembered on full entry is not yet one.
        var oneClick = saved is not null && request.StoredCredential;
        using var span = OneClickTraces.StartPayment(order);
        var sale = new Sale(order, request.Card, Now);
        string? overLimit = null;
        try
        {
            // SQLite's write transaction (BEGIN IMMEDIATE) serialises the checks below with every
            // other payment: two racing for the last of a limit cannot both pass.
            await using var transaction = await gate.BeginAsync(db, cancellationToken);
            if (oneClick && CvcLock.Refuses(await db.Sales.CountAsync(CvcLock.Attempts(saved!.Id, Now), cancellationToken)))
            {
                return new PaymentOutcome.CardLocked(saved.LockedUntil ?? CvcLock.LockedUntil(Now));
            }

            overLimit = oneClick ? await turnover.RunAsync(shop, order, saved!, cancellationToken) : null;
            // Read again in the turn that takes the order: a deactivation answered before it is final.
            if (order.Recurrence == RecurrenceAction.SubsequentPayment && await chargeable.RunAsync(order, cancellationToken) is null)
            {
                return new PaymentOutcome.ContractUnavailable();
            }

            order.StartPayment(Now);
            db.Sales.Add(sale);
            await db.SaveChangesAsync(cancellationToken);
            if (saved is not null)
            {
                sale.UseSavedCard(saved.Id, oneClick, instant: false, browserIdHash);
            }

            order.AttachSale(sale);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Order {OrderId}: a second payment attempt was refused while one is in progress", order.Id);
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }
        catch (OrderStateException) when (order.IsExpired(Now))
        {
            return new PaymentOutcome.NotPayable(OrderState.Expired); // the link expired while the turn was awaited
        }
        catch (DbUpdateException ex) when (UniqueIndex.Refused(ex) && order.Recurrence == RecurrenceAction.ContractCreation)
        {
            // The only unique index this save can meet: a parallel first payment of the same contract.
            logger.LogInformation("Order {OrderId}: a parallel payment holds the contract this one would create", order.Id);
            return new PaymentOutcome.ContractUnavailable();
        }

        if (overLimit is not null)
        {
            // Rule 9: declined before the acquirer, with the reason kept on the sale for the merchant.
            logger.LogInformation("Order {OrderId}: sale {SaleId} refused before the acquirer, {Limit}", order.Id, sale.Id, overLimit);
            return await settlement.ApplyAsync(order, shop, sale, new AuthorizationResult.Declined(null, DeclineReason.TurnoverLimitReached), CancellationToken.None);
        }

        return await settlement.AuthorizeAsync(order, shop, sale, request, instant: false);
    }

    /// <summary>Where the shop requires a billing address, the payment carries one; it is saved with the attempt.</summary>
    public static PaymentOutcome.BillingAddressRequired? TakeBillingAddress(Order order, Shop shop, BillingAddress? billing)
    {
        if (billing is not null && order.State == OrderState.Open)
        {
            order.GiveBillingAddress(billing);
        }

        return shop.RequiresBillingAddress && billing is null && order.State == OrderState.Open ? new PaymentOutcome.BillingAddressRequired() : null;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
