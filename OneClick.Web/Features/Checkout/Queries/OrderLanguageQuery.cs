using Microsoft.EntityFrameworkCore;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>The language an order's pages are shown in, if it has one; null for an unknown order too.</summary>
public sealed class OrderLanguageQuery(OneClickDbContext db)
{
    public Task<string?> RunAsync(string orderId, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => o.Language).FirstOrDefaultAsync(cancellationToken);
}
