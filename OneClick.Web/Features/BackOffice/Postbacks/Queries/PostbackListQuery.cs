using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks.Queries;

/// <summary>The last try at a delivery, as the list shows it.</summary>
public sealed record LastAttempt(DateTime StartedAt, int? StatusCode, string? Error, bool Acknowledged)
{
    public string Outcome => Acknowledged ? $"HTTP {StatusCode} OK" : Error ?? $"HTTP {StatusCode}";
}

public sealed record DeliveryRow(
    long Id,
    long SaleId,
    int ShopId,
    string ShopName,
    PostbackKind Kind,
    PostbackState State,
    int Attempts,
    DateTime CreatedAt,
    DateTime NextAttemptAt,
    DateTime? CompletedAt,
    LastAttempt? Last);

/// <summary>The columns the list sorts by (<c>?sort=created|attempts|next&amp;dir=asc|desc</c>).</summary>
public enum DeliverySort
{
    Created,
    Attempts,
    Next,
}

/// <summary>One page of postback deliveries.</summary>
public sealed record DeliveryList(IReadOnlyList<DeliveryRow> Rows, int Total, int Page)
{
    public const int PageSize = 25;

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>A shop whose postback endpoint is down (<see cref="PostbackOutage"/>), with deliveries still waiting.</summary>
public sealed record EndpointOutage(int ShopId, string ShopName, DateTime FailingSince, int FailedAttempts, int Waiting);

/// <param name="Shops">The person's shops, for the filter.</param>
/// <param name="ShopId">The shop filtered by; null for all, and for a shop that is not the person's.</param>
/// <param name="SweepFailedAt">
/// When the recurring outbox sweep last failed every try, while it has not succeeded since: retries
/// wait until it runs again. Its cause is shown only to administrators, in the jobs dashboard.
/// </param>
public sealed record PostbackList(IReadOnlyList<(int Id, string Name)> Shops, int? ShopId, IReadOnlyList<EndpointOutage> Outages, DeliveryList Deliveries, DateTime? SweepFailedAt);

/// <summary>
/// The postbacks page: the person's shops, outages among them, and one page of deliveries, newest
/// first unless sorted otherwise. Another merchant's shop id is treated as no filter at all.
/// </summary>
public sealed class PostbackListQuery(OneClickDbContext db, CurrentStaff staff, RecurringJobHealth jobs, TimeProvider clock)
{
    public async Task<PostbackList> RunAsync(int? shopId, DeliveryStateFilter state, int page, DeliverySort sort, bool ascending, CancellationToken cancellationToken)
    {
        var shops = await staff.ShopChoicesAsync(cancellationToken);
        var shopIds = shops.Select(s => s.Id).ToList();
        var chosen = shopId is { } id && shopIds.Contains(id) ? shopId : null;
        var outages = await OutagesAsync(shopIds, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var deliveries = await DeliveriesAsync(chosen is { } one ? [one] : shopIds, state, page, sort, ascending, cancellationToken);
        return new PostbackList(shops, chosen, outages, deliveries, jobs.FailingOf(Scheduling.OutboxSweep)?.FailedAt);
    }

    private async Task<List<EndpointOutage>> OutagesAsync(List<int> ids, DateTime now, CancellationToken cancellationToken)
    {
        // Only shops with a failing delivery can be in trouble.
        var failingShops = await db.PostbackDeliveries.AsNoTracking().Where(PostbackDelivery.Failing)
            .Where(d => ids.Contains(d.ShopId)).Select(d => d.ShopId).Distinct().ToListAsync(cancellationToken);
        var candidates = await db.PostbackDeliveries.AsNoTracking()
            .Where(d => failingShops.Contains(d.ShopId) && d.State == PostbackState.Pending)
            .GroupBy(d => d.ShopId)
            .Select(g => new { ShopId = g.Key, Waiting = g.Count() })
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
            if (since is { } first && PostbackOutage.IsOutage(count, first, now))
            {
                var name = await db.Shops.AsNoTracking().Where(s => s.Id == candidate.ShopId).Select(s => s.Name).SingleAsync(cancellationToken);
                outages.Add(new EndpointOutage(candidate.ShopId, name, first, count, candidate.Waiting));
            }
        }

        return outages.OrderBy(o => o.FailingSince).ToList();
    }

    private async Task<DeliveryList> DeliveriesAsync(List<int> ids, DeliveryStateFilter state, int page, DeliverySort sort, bool ascending, CancellationToken cancellationToken)
    {
        var deliveries = db.PostbackDeliveries.AsNoTracking().Where(d => ids.Contains(d.ShopId)).InState(state);
        var total = await deliveries.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + DeliveryList.PageSize - 1) / DeliveryList.PageSize);
        page = Math.Clamp(page, 1, pages);
        var ordered = (sort, ascending) switch
        {
            (DeliverySort.Attempts, true) => deliveries.OrderBy(d => d.Attempts).ThenBy(d => d.Id),
            (DeliverySort.Attempts, false) => deliveries.OrderByDescending(d => d.Attempts).ThenByDescending(d => d.Id),
            (DeliverySort.Next, true) => deliveries.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id),
            (DeliverySort.Next, false) => deliveries.OrderByDescending(d => d.NextAttemptAt).ThenByDescending(d => d.Id),
            (_, true) => deliveries.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id),
            _ => deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id),
        };
        var rows = await ordered
            .Skip((page - 1) * DeliveryList.PageSize).Take(DeliveryList.PageSize)
            .Join(db.Shops, d => d.ShopId, s => s.Id, (d, s) => new
            {
                d.Id,
                d.SaleId,
                d.ShopId,
                ShopName = s.Name,
                d.Kind,
                d.State,
                d.Attempts,
                d.CreatedAt,
                d.NextAttemptAt,
                d.CompletedAt,
            })
            .ToListAsync(cancellationToken);

        // At most a schedule's worth of attempts per delivery on the page: read them and keep the last.
        var deliveryIds = rows.Select(r => r.Id).ToList();
        var attempts = await db.PostbackAttempts.AsNoTracking()
            .Where(a => deliveryIds.Contains(a.DeliveryId))
            .Select(a => new { a.Id, a.DeliveryId, a.StartedAt, a.StatusCode, a.Error, a.Acknowledged })
            .ToListAsync(cancellationToken);
        var last = attempts.GroupBy(a => a.DeliveryId)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Id)!);

        return new DeliveryList(
            // The join keeps the database's order.
            rows.Select(r => new DeliveryRow(
                r.Id, r.SaleId, r.ShopId, r.ShopName, r.Kind, r.State, r.Attempts, r.CreatedAt, r.NextAttemptAt, r.CompletedAt,
                last.TryGetValue(r.Id, out var a) ? new LastAttempt(a.StartedAt, a.StatusCode, a.Error, a.Acknowledged) : null)).ToList(),
            total,
            page);
    }
}
