using Microsoft.EntityFrameworkCore;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>The declined page: the order's view and one of its declined sales (null when either is not there).</summary>
public sealed class DeclinedSaleQuery(OneClickDbContext db, OrderViews views)
{
    public async Task<(OrderView View, Sale Sale)?> RunAsync(string orderId, long saleId, CancellationToken cancellationToken)
    {
        var view = await views.LoadAsync(orderId, cancellationToken);
        var sale = await db.Sales.AsNoTracking().SingleOrDefaultAsync(s => s.Id == saleId && s.OrderId == orderId && s.Result == SaleResult.Declined, cancellationToken);
        return view is null || sale is null ? null : (view, sale);
    }
}
