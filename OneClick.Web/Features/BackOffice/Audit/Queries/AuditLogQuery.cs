using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Audit.Queries;

/// <param name="Total">Entries that match, on every page.</param>
/// <param name="Page">The page shown: the one asked for, or the last one when it asked beyond it.</param>
public sealed record AuditLogRows(IReadOnlyList<AuditEntry> Entries, int Total, int Page)
{
    public static readonly AuditLogRows Empty = new([], 0, 1);
}

/// <summary>
/// The audit log, newest first, a page at a time. Owners see their merchant's changes;
/// administrators see every merchant's and the gateway-wide ones.
/// </summary>
public sealed class AuditLogQuery(OneClickDbContext db, CurrentStaff staff)
{
    public const int PageSize = 50;

    /// <param name="actionPrefix">Only actions that start with it (e.g. <c>shop.</c>); null or blank for all.</param>
    public async Task<AuditLogRows> RunAsync(string? actionPrefix, int page, CancellationToken cancellationToken)
    {
        // Owners and administrators, as the page's policy says; a query is also called from elsewhere.
        if (!staff.MayManageMerchant)
        {
            return AuditLogRows.Empty;
        }

        var merchantId = await staff.MerchantIdAsync();
        var query = db.AuditEntries.AsNoTracking();
        if (merchantId is not null)
        {
            query = query.Where(a => a.MerchantId == merchantId);
        }

        if (!string.IsNullOrWhiteSpace(actionPrefix))
        {
            var prefix = actionPrefix.Trim();
            query = query.Where(a => a.Action.StartsWith(prefix));
        }

        var total = await query.CountAsync(cancellationToken);
        var shown = Math.Clamp(page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        var entries = await query.OrderByDescending(a => a.Id).Skip((shown - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken);
        return new AuditLogRows(entries, total, shown);
    }
}
