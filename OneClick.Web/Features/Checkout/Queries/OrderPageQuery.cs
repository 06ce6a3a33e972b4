using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Orders;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>What the order page shows besides the order: the contract, the saved cards, the Deny.</summary>
/// <param name="Contract">The contract a SUBSEQUENT_PAYMENT order charges, when it can still be charged.</param>
/// <param name="CreationBlocked">A CONTRACT_CREATION order whose contract can no longer be saved: no card form is offered.</param>
/// <param name="SavedCards">The cards the page offers for a payment with the CVC only.</param>
/// <param name="Denied">The merchant set this customer to Deny: no offer to remember the card (rule 8).</param>
public sealed record OrderPageData(OrderView View, Contract? Contract, bool CreationBlocked, IReadOnlyList<SavedCard> SavedCards, bool Denied);

/// <summary>Loads the order page: the order's view, and what its contract or its wallet offers while it is open.</summary>
public sealed class OrderPageQuery(OneClickDbContext db, OrderViews views, ChargeableContractQuery chargeable, BuyerWallets wallets, UnionCustomers customers)
{
    /// <param name="withToken">As <see cref="OrderViews.LoadAsync"/>: the approval page hands over the token once.</param>
    public async Task<OrderPageData?> RunAsync(string orderId, string? browserIdHash, bool withToken, CancellationToken cancellationToken)
    {
        var view = await views.LoadAsync(orderId, cancellationToken, withToken);
        if (view is null)
        {
            return null;
        }

        var order = view.Order;
        var contract = order is { Recurrence: RecurrenceAction.SubsequentPayment, State: OrderState.Open }
            ? await chargeable.RunAsync(order, cancellationToken)
            : null;
        var creationBlocked = order is { Recurrence: RecurrenceAction.ContractCreation, State: OrderState.Open }
            && await ContractCreationBlockedAsync(order, cancellationToken);
        // Only an open order offers the saved cards; an approval page (the one-click path) needs no wallet.
        IReadOnlyList<SavedCard> savedCards = [];
        var denied = false;
        if (order.State == OrderState.Open && order.MayUseOneClickAt(view.Shop))
        {
            // With a customerNumber, the customer's wallet in the shop's union; else this browser's.
            // Tracked as the page always read it: a payment with one of its cards in this request finds it.
            var wallet = await wallets.FindAsync(view.Shop, order.CustomerNumber, browserIdHash, cancellationToken);
            savedCards = wallet?.OfferedCards(view.Shop.SavedCardMinimumPayments).ToList() ?? [];
            denied = order.CustomerNumber is { } number
                && (wallet?.Customer ?? await customers.FindAsync(view.Shop.CustomerUnionId, number, cancellationToken)) is { MayUseOneClick: false };
        }

        return new OrderPageData(view, contract, creationBlocked, savedCards, denied);
    }

    /// <summary>
    /// Whether a CONTRACT_CREATION order can no longer save its contract: the id is taken (by a contract,
    /// or another order's first payment under way) or the customer was set to Deny.
    /// </summary>
    private async Task<bool> ContractCreationBlockedAsync(Order order, CancellationToken cancellationToken)
    {
        var taken = await db.Contracts.AsNoTracking().AnyAsync(c => c.ShopId == order.ShopId && c.ContractId == order.ContractId && c.CreatedByOrderId != order.Id, cancellationToken);
        return taken || await db.Customers.AsNoTracking().AnyAsync(
            c => c.CustomerUnionId == db.Shops.Where(s => s.Id == order.ShopId).Select(s => s.CustomerUnionId).First()
                && c.Number == order.CustomerNumber && c.Status == CustomerStatus.Deny,
            cancellationToken);
    }
}
