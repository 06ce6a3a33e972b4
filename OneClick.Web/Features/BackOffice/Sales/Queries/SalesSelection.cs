using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Sales.Queries;

/// <summary>The sales a filter selects and their order: one definition for the list and the export, which must agree.</summary>
internal static class SalesSelection
{
    public static IQueryable<Listed> Filtered(OneClickDbContext db, IReadOnlyCollection<int> shopIds, SalesFilter filter)
    {
        var sales = db.Sales.AsNoTracking().Where(s => shopIds.Contains(s.ShopId));
        if (filter.ShopId is { } shopId)
        {
            sales = sales.Where(s => s.ShopId == shopId);
        }

        if (filter.FromTime is { } from)
        {
            sales = sales.Where(s => s.CreatedAt >= from);
        }

        if (filter.UntilTime is { } until)
        {
            sales = sales.Where(s => s.CreatedAt < until);
        }

        if (filter.Result is { } result)
        {
            sales = sales.Where(s => s.Result == result);
        }

        // EF Core compares SQLite's text decimals exactly (its ef_compare function).
        if (filter.MinAmount is { } min)
        {
            sales = sales.Where(s => s.Amount >= min);
        }

        if (filter.MaxAmount is { } max)
        {
            sales = sales.Where(s => s.Amount <= max);
        }

        var orders = db.Orders.AsNoTracking();
        if (filter.CustomerNumber is { } customerNumber)
        {
            orders = orders.Where(o => o.CustomerNumber == customerNumber);
        }

        if (filter.ReferenceId is { } referenceId)
        {
            orders = orders.Where(o => o.ReferenceId == referenceId);
        }

        return from s in sales
               join o in orders on s.OrderId equals o.Id
               join shop in db.Shops.AsNoTracking() on s.ShopId equals shop.Id
               select new Listed { Sale = s, ReferenceId = o.ReferenceId, CustomerNumber = o.CustomerNumber, Channel = o.Channel, ShopName = shop.Name };
    }

    public static IQueryable<Listed> Sorted(IQueryable<Listed> rows, SalesFilter filter) => (filter.Sort, filter.Ascending) switch
    {
        // SQLite cannot order text decimals: amounts have two places, so whole cents order them exactly.
        (SalesSort.Amount, true) => rows.OrderBy(r => (long)(r.Sale.Amount * 100)).ThenBy(r => r.Sale.Id),
        (SalesSort.Amount, false) => rows.OrderByDescending(r => (long)(r.Sale.Amount * 100)).ThenByDescending(r => r.Sale.Id),
        (SalesSort.Result, true) => rows.OrderBy(r => r.Sale.Result).ThenByDescending(r => r.Sale.Id),
        (SalesSort.Result, false) => rows.OrderByDescending(r => r.Sale.Result).ThenByDescending(r => r.Sale.Id),
        (_, true) => rows.OrderBy(r => r.Sale.CreatedAt).ThenBy(r => r.Sale.Id),
        _ => rows.OrderByDescending(r => r.Sale.CreatedAt).ThenByDescending(r => r.Sale.Id),
    };

    public static IQueryable<SaleRow> Rows(IQueryable<Listed> rows) => rows.Select(r => new SaleRow(
        r.Sale.Id, r.Sale.CreatedAt, r.Sale.ShopId, r.ShopName, r.ReferenceId, r.CustomerNumber, r.Sale.Amount, r.Sale.Currency, r.Sale.RefundedAmount,
        r.Sale.Brand, r.Sale.TruncatedPan, r.Sale.OneClickPayment, r.Sale.InstantOneClick, r.Sale.Result, r.Sale.DeclineReason, r.Channel));

    /// <summary>A sale with what the list shows of its order and shop, still a query (sortable, countable).</summary>
    public sealed class Listed
    {
        public required Sale Sale { get; init; }

        public string? ReferenceId { get; init; }

        public string? CustomerNumber { get; init; }

        public OrderChannel Channel { get; init; }

        public required string ShopName { get; init; }
    }
}
