using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout;

/// <summary>What the buyer's pages show of an order: the order, its shop and the sale that holds it.</summary>
public sealed record OrderView(Order Order, Shop Shop, Sale? CurrentSale, string? OneClickToken = null)
{
    public static async Task<OrderView?> LoadAsync(OneClickDbContext db, string orderId, CancellationToken cancellationToken, OneClickTokens? tokens = null)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        var shop = await db.Shops.AsNoTracking().SingleAsync(s => s.Id == order.ShopId, cancellationToken);
        var sale = order.CurrentSaleId is { } saleId
            ? await db.Sales.AsNoTracking().SingleOrDefaultAsync(s => s.Id == saleId, cancellationToken)
            : null;
        // The token an approved sale issued goes back to the merchant in the OK data of the redirect.
        var token = tokens is not null && sale is { Result: SaleResult.Approved }
            ? await tokens.IssuedByAsync(sale.Id, cancellationToken)
            : null;
        return new OrderView(order, shop, sale, token);
    }
}
