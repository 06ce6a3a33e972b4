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
/// One page of the sales list, always from <see cref="CurrentStaff.ShopIdsAsync"/>: a sale of
/// another merchant is never listed, whatever the filter asks for.
/// </summary>
public sealed class SalesListQuery(OneClickDbContext db, CurrentStaff staff)
{
    /// <param name="query">The list's query string: filters, sort and page.</param>
    public async Task<SalesListPage> RunAsync(Func<string, string?> query, CancellationToken cancellationToken)
    {
        var shops = await staff.ShopChoicesAsync(cancellationToken);
        var filter = SalesFilter.Parse(query, shops.Select(s => s.Id).ToList());
        var sales = SalesSelection.Filtered(db, await staff.ShopIdsAsync(), filter);
        var total = await sales.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + SalesFilter.PageSize - 1) / SalesFilter.PageSize);
        var page = Math.Min(filter.Page, pages);
        var rows = await SalesSelection.Rows(SalesSelection.Sorted(sales, filter).Skip((page - 1) * SalesFilter.PageSize).Take(SalesFilter.PageSize)).ToListAsync(cancellationToken);
        return new SalesListPage(rows, total, page, pages, filter, shops);
    }

}
