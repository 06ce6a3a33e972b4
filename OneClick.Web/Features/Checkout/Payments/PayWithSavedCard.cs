using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>
/// A saved card of the order's wallet, chosen on the order page with its CVC (the instant payment with
/// no input is <see cref="PayInstant"/>). The CVC lock and the turnover limit apply.
/// </summary>
public sealed class PayWithSavedCard(OneClickDbContext db, PaymentAttempt attempt, CardVault vault, ShopSnapshots shops, TimeProvider clock)
{
    public async Task<PaymentOutcome> RunAsync(string orderId, long savedCardId, Cvc? cvc, string? browserIdHash, CancellationToken cancellationToken, BillingAddress? billing = null)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        if (PaymentAttempt.TakeBillingAddress(order, shop, billing) is { } missing)
        {
            return missing;
        }

        var card = await db.SavedCards.Include(c => c.Wallet).ThenInclude(w => w.Customer).SingleOrDefaultAsync(c => c.Id == savedCardId, cancellationToken);
        if (card is null || card.RefusalFor(order, shop, browserIdHash, instant: false) is not null)
        {
            return new PaymentOutcome.CardUnavailable();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (card.IsLocked(now))
        {
            return new PaymentOutcome.CardLocked(card.LockedUntil!.Value);
        }

        var number = vault.Decrypt(card.Pan);
        var request = new AuthorizationRequest(number, card.Expiry, cvc, card.HolderName, order.Price, order.Id, StoredCredential: true);
        return await attempt.RunAsync(order, shop, request, card, browserIdHash, cancellationToken);
    }
}
