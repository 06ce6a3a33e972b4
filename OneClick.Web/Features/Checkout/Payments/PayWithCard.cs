using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>
/// Full card entry on the order page. With <c>remember</c> (and a browser id to bind the next token to)
/// the card is saved in the buyer's wallet, offered for One Click once a payment is approved. A
/// CONTRACT_CREATION order keeps the card in a pending contract, active once the payment is approved.
/// </summary>
public sealed class PayWithCard(
    OneClickDbContext db,
    PaymentAttempt attempt,
    BuyerWallets wallets,
    UnionCustomers customers,
    CardVault vault,
    ShopSnapshots shops,
    TimeProvider clock)
{
    public async Task<PaymentOutcome> RunAsync(string orderId, CardNumber card, CardExpiry expiry, Cvc cvc, string cardholderName, bool remember, string? browserIdHash, CancellationToken cancellationToken, BillingAddress? billing = null)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        if (order.Recurrence == RecurrenceAction.ContractCreation && order.IsPayable(Now))
        {
            // CONTRACT_CREATION: the card is kept in a pending contract, saved with the pending sale and
            // active only once the authenticated payment is approved.
            if (await db.Contracts.AnyAsync(c => c.ShopId == shop.Id && c.ContractId == order.ContractId, cancellationToken))
            {
                return new PaymentOutcome.ContractUnavailable();
            }

            var customer = await customers.FindOrAddAsync(shop.CustomerUnionId, order.CustomerNumber!, cancellationToken);
            if (!customer.MayUseOneClick)
            {
                // Rule 8 holds for contracts too: the merchant set Deny after the order was made.
                return new PaymentOutcome.ContractUnavailable();
            }

            db.Contracts.Add(new Contract(shop.Id, order.ContractId!, customer.Id, order.Id, card, expiry, cardholderName, vault.Encrypt(card), Now));
        }

        if (PaymentAttempt.TakeBillingAddress(order, shop, billing) is { } missing)
        {
            return missing;
        }

        SavedCard? saved = null;
        if (remember && browserIdHash is not null && order.MayUseOneClickAt(shop) && order.State == OrderState.Open)
        {
            var wallet = await wallets.FindOrCreateAsync(shop, order.CustomerNumber, browserIdHash, cancellationToken);
            // Rule 8: no card is saved for a customer the merchant set to Deny.
            if (wallet.Customer is not { MayUseOneClick: false })
            {
                saved = wallet.Remember(card, expiry, cardholderName, vault.Encrypt(card), vault.Fingerprint(card), Now);
            }
        }

        var request = new AuthorizationRequest(card, expiry, cvc, cardholderName, order.Price, order.Id, AuthenticationRequired: order.RequiresAuthentication);
        return await attempt.RunAsync(order, shop, request, saved, browserIdHash, cancellationToken);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
