using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>
/// Rule 9: why a one-click payment would take the customer over the shop's cap, counting their
/// approved and still pending one-click payments at this shop over all cards of the wallet (null when
/// it fits). Run inside the payment's write turn, so that two payments racing for the last of a limit
/// are counted one after the other.
/// </summary>
public sealed class TurnoverQuery(OneClickDbContext db, TimeProvider clock)
{
    public async Task<string?> RunAsync(Shop shop, Order order, SavedCard card, CancellationToken cancellationToken)
    {
        if (shop.TurnoverLimitFor(order.Currency) is not { } limit)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var walletId = card.WalletId;
        // From the wallet's cards to their sales by the card index; the shop is filtered here, not in
        // SQL, where SQLite's planner took the shop's index and read all of the shop's sales of the week.
        var recent = (await db.SavedCards.AsNoTracking()
                .Where(c => c.WalletId == walletId)
                .Join(db.Sales.AsNoTracking(), c => (long?)c.Id, s => s.SavedCardId, (c, s) => s)
                .Where(TurnoverLimit.Counted(order.Currency, now))
                .Select(s => new { s.ShopId, s.CreatedAt, s.Amount })
                .ToListAsync(cancellationToken))
            .Where(r => r.ShopId == shop.Id)
            .ToList();
        return limit.Refusal(order.Price, recent.Select(r => (r.CreatedAt, r.Amount)), now);
    }
}
