using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Sales.Queries;

/// <summary>
/// Every sale the filter selects, in the list's order, streamed (an export may be long). Always from
/// <see cref="CurrentStaff.ShopIdsAsync"/>: a sale of another merchant is never exported.
/// </summary>
public sealed class SalesExportQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async IAsyncEnumerable<SaleRow> RunAsync(SalesFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sales = SalesSelection.Filtered(db, await staff.ShopIdsAsync(), filter);
        await foreach (var row in SalesSelection.Rows(SalesSelection.Sorted(sales, filter)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
