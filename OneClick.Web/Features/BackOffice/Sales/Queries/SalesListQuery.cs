using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Sales.Queries;

/// <summary>One line of the sales list and of the CSV export.</summary>
public sealed record SaleRow(
    long Id,
    DateTime CreatedAt,
    int ShopId,
    string ShopName,
    string? ReferenceId,
    string? CustomerNumber,
    decimal Amount,
    string Currency,
    decimal RefundedAmount,
    CardBrand Brand,
    string TruncatedPan,
    bool OneClickPayment,
    bool InstantOneClick,
    SaleResult Result,
    DeclineReason? DeclineReason,
    OrderChannel Channel);

/// <param name="Shops">This person's shops, by name, for the shop filter.</param>
public sealed record SalesListPage(IReadOnlyList<SaleRow> Rows, int Total, int Page, int Pages, SalesFilter Filter, IReadOnlyList<(int Id, string Name)> Shops);

/// <summary>
/// The sales list and its CSV export, always from <see cref="CurrentStaff.ShopIdsAsync"/>: a sale of
/// another merchant is never listed or exported, whatever the filter asks for.
/// </summary>
public sealed class SalesListQuery(OneClickDbContext db, CurrentStaff staff)
{
    /// <param name="query">The list's query string: filters, sort and page.</param>
    public async Task<SalesListPage> RunAsync(Func<string, string?> query, CancellationToken cancellationToken)
    {
        var shops = (await (await staff.ShopsAsync()).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken))
            .Select(s => (s.Id, s.Name)).ToList();
        var filter = SalesFilter.Parse(query, shops.Select(s => s.Id).ToList());
        var sales = await FilteredAsync(filter);
        var total = await sales.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + SalesFilter.PageSize - 1) / SalesFilter.PageSize);
        var page = Math.Min(filter.Page, pages);
        var rows = await Rows(Sorted(sales, filter).Skip((page - 1) * SalesFilter.PageSize).Take(SalesFilter.PageSize)).ToListAsync(cancellationToken);
        return new SalesListPage(rows, total, page, pages, filter, shops);
    }

    /// <summary>Every matching sale, streamed (an export may be long), in the list's order.</summary>
    public async IAsyncEnumerable<SaleRow> ExportAsync(SalesFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in Rows(Sorted(await FilteredAsync(filter), filter)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }

    private async Task<IQueryable<Listed>> FilteredAsync(SalesFilter filter)
    {
        var shopIds = await staff.ShopIdsAsync();
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

    private static IQueryable<Listed> Sorted(IQueryable<Listed> rows, SalesFilter filter) => (filter.Sort, filter.Ascending) switch
    {
        // SQLite cannot order text decimals: amounts have two places, so whole cents order them exactly.
        (SalesSort.Amount, true) => rows.OrderBy(r => (long)(r.Sale.Amount * 100)).ThenBy(r => r.Sale.Id),
        (SalesSort.Amount, false) => rows.OrderByDescending(r => (long)(r.Sale.Amount * 100)).ThenByDescending(r => r.Sale.Id),
        (SalesSort.Result, true) => rows.OrderBy(r => r.Sale.Result).ThenByDescending(r => r.Sale.Id),
        (SalesSort.Result, false) => rows.OrderByDescending(r => r.Sale.Result).ThenByDescending(r => r.Sale.Id),
        (_, true) => rows.OrderBy(r => r.Sale.CreatedAt).ThenBy(r => r.Sale.Id),
        _ => rows.OrderByDescending(r => r.Sale.CreatedAt).ThenByDescending(r => r.Sale.Id),
    };

    private static IQueryable<SaleRow> Rows(IQueryable<Listed> rows) => rows.Select(r => new SaleRow(
        r.Sale.Id, r.Sale.CreatedAt, r.Sale.ShopId, r.ShopName, r.ReferenceId, r.CustomerNumber, r.Sale.Amount, r.Sale.Currency, r.Sale.RefundedAmount,
        r.Sale.Brand, r.Sale.TruncatedPan, r.Sale.OneClickPayment, r.Sale.InstantOneClick, r.Sale.Result, r.Sale.DeclineReason, r.Channel));

    /// <summary>A sale with what the list shows of its order and shop, still a query (sortable, countable).</summary>
    private sealed class Listed
    {
        public required Sale Sale { get; init; }

        public string? ReferenceId { get; init; }

        public string? CustomerNumber { get; init; }

        public OrderChannel Channel { get; init; }

        public required string ShopName { get; init; }
    }
}
