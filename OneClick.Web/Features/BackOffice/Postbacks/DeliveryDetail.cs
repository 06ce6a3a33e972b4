using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Core.Protocol;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks;

/// <summary>One delivery with every attempt at it, found only among the given shops (the caller's scope).</summary>
public sealed record DeliveryDetail(PostbackDelivery Delivery, string ShopName, int MerchantId, IReadOnlyList<PostbackAttempt> Attempts)
{
    public static async Task<DeliveryDetail?> LoadAsync(OneClickDbContext db, IReadOnlyCollection<int> shopIds, long id, CancellationToken cancellationToken)
    {
        var ids = shopIds.ToList();
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

/// <summary>Postback URLs as the back-office shows them.</summary>
public static class PostbackUrls
{
    private const string TokenName = "oneClickToken";

    /// <summary>
    /// The URL without any <c>oneClickToken</c>: the outbox never stores it (it joins only as the
    /// postback is sent), and should one ever appear, a bearer token is still not for a screen.
    /// </summary>
    public static string WithoutToken(string url)
    {
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        var head = fragmentAt >= 0 ? url[..fragmentAt] : url;
        var queryAt = head.IndexOf('?', StringComparison.Ordinal);
        if (queryAt < 0)
        {
            return head;
        }

        var kept = head[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => MerchantUrl.ParseQuery(pair) is not [{ Key: TokenName }]);
        var query = string.Join('&', kept);
        return query.Length == 0 ? head[..queryAt] : $"{head[..queryAt]}?{query}";
    }
}
