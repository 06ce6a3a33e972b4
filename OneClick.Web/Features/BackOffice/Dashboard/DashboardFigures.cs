using Microsoft.EntityFrameworkCore;
using OneClick.Core;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Dashboard;

/// <summary>One UTC day of the chart: approved sales and their amounts per currency.</summary>
public sealed record ChartDay(DateOnly Day, int Approved, IReadOnlyList<Money> Amounts);

/// <summary>
/// The dashboard's figures for the given shops (the caller's scope), by UTC day. A sale counts as
/// approved when the acquirer approved it, even if it was refunded since (refunds are their own figure).
/// </summary>
public sealed record DashboardFigures(
    IReadOnlyList<Money> ApprovedToday,
    int ApprovedCountToday,
    int DeclinedCountToday,
    int OneClickCountToday,
    int FailingPostbacks,
    IReadOnlyList<ChartDay> Days)
{
    public const int ChartDays = 14;

    /// <summary>Approved out of approved and declined; null before the day's first decided sale.</summary>
    public double? ApprovalRate => ApprovedCountToday + DeclinedCountToday == 0 ? null : (double)ApprovedCountToday / (ApprovedCountToday + DeclinedCountToday);

    /// <summary>Approved sales paid from a saved card, out of all approved; null without approved sales.</summary>
    public double? OneClickShare => ApprovedCountToday == 0 ? null : (double)OneClickCountToday / ApprovedCountToday;

    public static async Task<DashboardFigures> LoadAsync(OneClickDbContext db, IReadOnlyCollection<int> shopIds, DateTime now, CancellationToken cancellationToken)
    {
        var ids = shopIds.ToList();
        var today = now.Date;
        var from = today.AddDays(1 - ChartDays);
        var until = today.AddDays(1);
        var sales = db.Sales.AsNoTracking().Where(s => ids.Contains(s.ShopId) && s.CreatedAt >= from && s.CreatedAt < until);

        // Amounts are summed here rather than in SQLite, which keeps decimals as text; one small row per
        // approved sale of the fortnight.
        var approved = await sales
            .Where(s => s.Result == SaleResult.Approved || s.Result == SaleResult.Refunded)
            .Select(s => new { s.CreatedAt, s.Currency, s.Amount, s.OneClickPayment })
            .ToListAsync(cancellationToken);
        var declinedToday = await sales.CountAsync(s => s.Result == SaleResult.Declined && s.CreatedAt >= today, cancellationToken);
        var failing = await db.PostbackDeliveries.CountAsync(d => ids.Contains(d.ShopId) && d.State == PostbackState.Pending && d.Attempts > 0, cancellationToken);

        var byDay = approved.ToLookup(s => DateOnly.FromDateTime(s.CreatedAt));
        var days = Enumerable.Range(0, ChartDays)
            .Select(i => DateOnly.FromDateTime(from.AddDays(i)))
            .Select(day => new ChartDay(day, byDay[day].Count(), Totals(byDay[day].Select(s => new Money(s.Amount, s.Currency)))))
            .ToList();
        var todays = byDay[DateOnly.FromDateTime(today)].ToList();

        return new DashboardFigures(
            Totals(todays.Select(s => new Money(s.Amount, s.Currency))),
            todays.Count,
            declinedToday,
            todays.Count(s => s.OneClickPayment),
            failing,
            days);
    }

    private static List<Money> Totals(IEnumerable<Money> amounts) => amounts
        .GroupBy(m => m.Currency, StringComparer.Ordinal)
        .Select(g => new Money(g.Sum(m => m.Amount), g.Key))
        .OrderBy(m => m.Currency, StringComparer.Ordinal)
        .ToList();
}
