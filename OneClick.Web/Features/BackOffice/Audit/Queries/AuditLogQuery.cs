using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Audit.Queries;

/// <param name="HasMore">Older entries exist beyond this page.</param>
public sealed record AuditLogPage(IReadOnlyList<AuditEntry> Entries, bool HasMore);

/// <summary>
/// The audit log, newest first, a page at a time. Owners see their merchant's changes;
/// administrators see every merchant's and the gateway-wide ones.
/// </summary>
public sealed class AuditLogQuery(OneClickDbContext db, CurrentStaff staff)
{
    public const int PageSize = 50;

    /// <param name="actionPrefix">Only actions that start with it (e.g. <c>shop.</c>); null or blank for all.</param>
    public async Task<AuditLogPage> RunAsync(string? actionPrefix, int page, CancellationToken cancellationToken)
    {
        // Owners and administrators, as the page's policy says; a query is also called from elsewhere.
        if (!staff.MayManageMerchant)
        {
            return new AuditLogPage([], HasMore: false);
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

        // One more than a page tells whether there is an older page.
        var read = await query.OrderByDescending(a => a.Id).Skip((page - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancellationToken);
        return new AuditLogPage(read.Take(PageSize).ToList(), read.Count > PageSize);
    }
}
