using Microsoft.EntityFrameworkCore;
using OneClick.Core;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Dashboard.Queries;

/// <param name="MerchantName">Whose figures these are; every merchant's for an administrator.</param>
public sealed record Dashboard(string? MerchantName, int Shops, DateTime Today, DashboardFigures Figures);

/// <summary>The dashboard of the person's shops, today and the last fortnight by UTC day.</summary>
public sealed class DashboardQuery(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    public async Task<Dashboard> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var merchantId = await staff.MerchantIdAsync();
        var merchantName = merchantId is null
            ? "All merchants (gateway administrator)"
            : await db.Merchants.AsNoTracking().Where(m => m.Id == merchantId).Select(m => m.Name).SingleOrDefaultAsync(cancellationToken);
        var shopIds = await staff.ShopIdsAsync();
        return new Dashboard(merchantName, shopIds.Count, now.Date, await FiguresAsync(shopIds, now, cancellationToken));
    }

    private async Task<DashboardFigures> FiguresAsync(IReadOnlyCollection<int> shopIds, DateTime now, CancellationToken cancellationToken)
    {
        var ids = shopIds.ToList();
        var today = now.Date;
        var from = today.AddDays(1 - DashboardFigures.ChartDays);
        var until = today.AddDays(1);
        var sales = db.Sales.AsNoTracking().Where(s => ids.Contains(s.ShopId) && s.CreatedAt >= from && s.CreatedAt < until);

        // Amounts are summed here rather than in SQLite, which keeps decimals as text; one small row per
        // approved sale of the fortnight.
        var approved = await sales
            .Where(s => s.Result == SaleResult.Approved || s.Result == SaleResult.Refunded)
            .Select(s => new { s.CreatedAt, s.Currency, s.Amount, s.OneClickPayment })
            .ToListAsync(cancellationToken);
        var declinedToday = await sales.CountAsync(s => s.Result == SaleResult.Declined && s.CreatedAt >= today, cancellationToken);
        var failing = await db.PostbackDeliveries.Where(PostbackDelivery.Failing).CountAsync(d => ids.Contains(d.ShopId), cancellationToken);

        var byDay = approved.ToLookup(s => DateOnly.FromDateTime(s.CreatedAt));
        var days = Enumerable.Range(0, DashboardFigures.ChartDays)
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
