using Microsoft.EntityFrameworkCore;
using OneClick.Core;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Queries;

/// <summary>A customer's approved one-click turnover over the rolling day and week, per currency.</summary>
public sealed record Turnover(IReadOnlyList<Money> Day, IReadOnlyList<Money> Week)
{
    public static readonly Turnover None = new([], []);
}

/// <summary>
/// Approved one-click payments (a saved card with its CVC, or a token) at this person's shops over
/// the rolling 24 hours and 7 days, as the turnover limits count them (no midnight resets them). The
/// customer list and a customer's page both show it.
/// </summary>
public sealed class CustomerTurnoverQuery(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    /// <returns>By customer id; a customer without such payments is left out.</returns>
    public async Task<Dictionary<long, Turnover>> RunAsync(IReadOnlyList<long> customerIds, CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var weekSince = now - TurnoverLimit.Week;
        var daySince = now - TurnoverLimit.Day;
        var shopIds = await staff.ShopIdsAsync();
        var ids = customerIds.Select(id => (long?)id).ToList();
        // Summed here: SQLite cannot add decimals exactly, and a week of one page's customers is small.
        var sales = await (
                from s in db.Sales.AsNoTracking()
                join c in db.SavedCards.AsNoTracking() on s.SavedCardId equals c.Id
                where shopIds.Contains(s.ShopId) && s.OneClickPayment && s.Result == SaleResult.Approved && s.CreatedAt > weekSince
                    && ids.Contains(c.Wallet.CustomerId)
                select new { CustomerId = c.Wallet.CustomerId!.Value, s.Amount, s.Currency, s.CreatedAt })
            .ToListAsync(cancellationToken);
        return sales.GroupBy(s => s.CustomerId).ToDictionary(
            g => g.Key,
            g => new Turnover(
                Sum(g.Where(s => s.CreatedAt > daySince).Select(s => new Money(s.Amount, s.Currency))),
                Sum(g.Select(s => new Money(s.Amount, s.Currency)))));
    }

    private static List<Money> Sum(IEnumerable<Money> payments) =>
        [.. payments.GroupBy(p => p.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Money(g.Sum(p => p.Amount), g.Key))];
}
