using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks.Queries;

public sealed record DeliveryDetail(PostbackDelivery Delivery, string ShopName, int MerchantId, IReadOnlyList<PostbackAttempt> Attempts);

/// <summary>One delivery with every attempt at it; null when it is not among the person's shops (or does not exist).</summary>
public sealed class DeliveryDetailQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async Task<DeliveryDetail?> RunAsync(long id, CancellationToken cancellationToken)
    {
        var ids = await staff.ShopIdsAsync();
        var delivery = await db.PostbackDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && ids.Contains(d.ShopId), cancellationToken);
        if (delivery is null)
        {
            return null;
        }

        var shop = await db.Shops.AsNoTracking().Where(s => s.Id == delivery.ShopId).Select(s => new { s.Name, s.MerchantId }).SingleAsync(cancellationToken);
        var attempts = await db.PostbackAttempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.StartedAt).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        return new DeliveryDetail(delivery, shop.Name, shop.MerchantId, attempts);
    }
}
