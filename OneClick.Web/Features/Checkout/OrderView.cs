using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout;

/// <summary>What the buyer's pages show of an order: the order, its shop and the sale that holds it.</summary>
public sealed record OrderView(Order Order, Shop Shop, Sale? CurrentSale, string? OneClickToken = null);

/// <summary>Reads an <see cref="OrderView"/>: the order with its sale in one query, the shop from its snapshot.</summary>
public sealed class OrderViews(OneClickDbContext db, ShopSnapshots shops, OneClickTokens tokens)
{
    /// <param name="withToken">
    /// With the token an approved sale issued, which goes back to the merchant in the OK data of the
    /// redirect: handed over once, to the first approval page; a reopened one signs its OK data without it.
    /// </param>
    public async Task<OrderView?> LoadAsync(string orderId, CancellationToken cancellationToken, bool withToken = false)
    {
        var found = await OrderWithSale(db, orderId, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var shop = await shops.GetAsync(db, found.Order.ShopId, cancellationToken);
        var token = withToken && found.Sale is { Result: SaleResult.Approved }
            ? await tokens.HandOverAsync(found.Sale.Id, cancellationToken)
            : null;
        return new OrderView(found.Order, shop, found.Sale, token);
    }

    private sealed record OrderAndSale(Order Order, Sale? Sale);

    /// <summary>
    /// Compiled once (every buyer page reads it). A left join by the sale's key: a FirstOrDefault in
    /// the projection would number every sale.
    /// </summary>
    private static readonly Func<OneClickDbContext, string, CancellationToken, Task<OrderAndSale?>> OrderWithSale =
        EF.CompileAsyncQuery((OneClickDbContext db, string orderId, CancellationToken _) => (
            from o in db.Orders.AsNoTracking()
            where o.Id == orderId
            join s in db.Sales.AsNoTracking() on o.CurrentSaleId equals (long?)s.Id into sales
            from sale in sales.DefaultIfEmpty()
            select new OrderAndSale(o, sale)).SingleOrDefault());
}
