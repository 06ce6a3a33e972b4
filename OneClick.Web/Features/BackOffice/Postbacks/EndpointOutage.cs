using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks;

/// <summary>
/// A shop whose postback endpoint has been failing for a while: no <c>OK</c> since <see cref="FailingSince"/>,
/// at least <see cref="MinimumFailures"/> failed attempts over at least <see cref="MinimumDuration"/>,
/// with deliveries still waiting. A single failed attempt is a blip and not worth a warning.
/// </summary>
public sealed record EndpointOutage(int ShopId, string ShopName, DateTime FailingSince, int FailedAttempts, int Waiting)
{
    public const int MinimumFailures = 3;

    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMinutes(30);

    public static async Task<List<EndpointOutage>> FindAsync(OneClickDbContext db, IReadOnlyCollection<int> shopIds, DateTime now, CancellationToken cancellationToken)
    {
        var ids = shopIds.ToList();
        // Only shops with a pending delivery that has failed at least once can be in trouble.
        var candidates = await db.PostbackDeliveries.AsNoTracking()
            .Where(d => ids.Contains(d.ShopId) && d.State == PostbackState.Pending)
            .GroupBy(d => d.ShopId)
            .Select(g => new { ShopId = g.Key, Waiting = g.Count(), Failing = g.Count(d => d.Attempts > 0) })
            .Where(g => g.Failing > 0)
            .ToListAsync(cancellationToken);

        var outages = new List<EndpointOutage>();
        foreach (var candidate in candidates)
        {
            var attempts = db.PostbackAttempts.AsNoTracking()
                .Join(db.PostbackDeliveries, a => a.DeliveryId, d => d.Id, (a, d) => new { a.StartedAt, a.Acknowledged, d.ShopId })
                .Where(a => a.ShopId == candidate.ShopId);
            var lastOk = await attempts.Where(a => a.Acknowledged).MaxAsync(a => (DateTime?)a.StartedAt, cancellationToken);
            var failures = attempts.Where(a => !a.Acknowledged && (lastOk == null || a.StartedAt > lastOk));
            var count = await failures.CountAsync(cancellationToken);
            var since = await failures.MinAsync(a => (DateTime?)a.StartedAt, cancellationToken);
            if (count >= MinimumFailures && since is { } first && now - first >= MinimumDuration)
            {
                var name = await db.Shops.Where(s => s.Id == candidate.ShopId).Select(s => s.Name).SingleAsync(cancellationToken);
                outages.Add(new EndpointOutage(candidate.ShopId, name, first, count, candidate.Waiting));
            }
        }

        return outages.OrderBy(o => o.FailingSince).ToList();
    }
}
