using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Postbacks;

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

/// <summary>One page of postback deliveries at the given shops (the caller's scope), newest first.</summary>
/// <summary>The columns the list sorts by (<c>?sort=created|attempts|next&amp;dir=asc|desc</c>).</summary>
public enum DeliverySort
{
    Created,
    Attempts,
    Next,
}

public sealed record DeliveryList(IReadOnlyList<DeliveryRow> Rows, int Total, int Page)
{
    public const int PageSize = 25;

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public static async Task<DeliveryList> LoadAsync(OneClickDbContext db, IReadOnlyCollection<int> shopIds, DeliveryStateFilter state, int page, CancellationToken cancellationToken, DeliverySort sort = DeliverySort.Created, bool ascending = false)
    {
        var ids = shopIds.ToList();
        var deliveries = db.PostbackDeliveries.AsNoTracking().Where(d => ids.Contains(d.ShopId)).InState(state);
        var total = await deliveries.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
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
            .Skip((page - 1) * PageSize).Take(PageSize)
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
