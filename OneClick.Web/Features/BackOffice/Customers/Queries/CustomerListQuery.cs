using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Queries;

public enum CustomerSort
{
    Number,
    Status,
    Created,
}

/// <summary>What the customer list asks for, as read from its query string.</summary>
public sealed record CustomerListFilter(string? NumberPrefix, CustomerStatus? Status, CustomerSort Sort, bool Descending, int Page);

public sealed record CustomerRow(long Id, string Number, string UnionName, CustomerStatus Status, int LiveCards, Turnover Turnover, DateTime CreatedAt);

public sealed record CustomerListPage(IReadOnlyList<CustomerRow> Rows, int Total, int Page, int PageCount)
{
    public static readonly CustomerListPage Empty = new([], 0, 1, 1);
}

/// <summary>
/// The customers a back-office person may see: those of the customer unions that hold at least one
/// of their shops. Turnover is counted at their own shops only, because a union may span merchants
/// and the other merchant's sales are none of theirs.
/// </summary>
public sealed class CustomerListQuery(OneClickDbContext db, CurrentStaff staff, CustomerTurnoverQuery turnover)
{
    public const int PageSize = 25;

    public async Task<CustomerListPage> RunAsync(CustomerListFilter filter, CancellationToken cancellationToken)
    {
        var unionIds = (await staff.ShopsAsync()).Select(s => s.CustomerUnionId);
        var customers = db.Customers.AsNoTracking().Where(c => unionIds.Contains(c.CustomerUnionId));
        if (!string.IsNullOrEmpty(filter.NumberPrefix))
        {
            customers = customers.Where(c => c.Number.StartsWith(filter.NumberPrefix));
        }

        if (filter.Status is { } status)
        {
            customers = customers.Where(c => c.Status == status);
        }

        var total = await customers.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(filter.Page, 1, pageCount);
        var rows = await Sorted(customers, filter.Sort, filter.Descending)
            .Skip((page - 1) * PageSize)
            .Take(PageSize)
            .Select(c => new
            {
                c.Id,
                c.Number,
                UnionName = db.CustomerUnions.Where(u => u.Id == c.CustomerUnionId).Select(u => u.Name).First(),
                c.Status,
                c.CreatedAt,
                LiveCards = db.SavedCards.Count(s => s.Wallet.CustomerId == c.Id && s.DeletedAt == null),
            })
            .ToListAsync(cancellationToken);
        var turnovers = await turnover.RunAsync([.. rows.Select(r => r.Id)], cancellationToken);
        return new CustomerListPage(
            [.. rows.Select(r => new CustomerRow(r.Id, r.Number, r.UnionName, r.Status, r.LiveCards, turnovers.GetValueOrDefault(r.Id, Turnover.None), r.CreatedAt))],
            total,
            page,
            pageCount);
    }

    private static IQueryable<Customer> Sorted(IQueryable<Customer> customers, CustomerSort sort, bool descending) => (sort, descending) switch
    {
        // The order of the statuses' life (New, Member, Deny), not of their names.
        (CustomerSort.Status, false) => customers.OrderBy(c => c.Status == CustomerStatus.New ? 0 : c.Status == CustomerStatus.Member ? 1 : 2).ThenBy(c => c.Number).ThenBy(c => c.Id),
        (CustomerSort.Status, true) => customers.OrderByDescending(c => c.Status == CustomerStatus.New ? 0 : c.Status == CustomerStatus.Member ? 1 : 2).ThenBy(c => c.Number).ThenBy(c => c.Id),
        (CustomerSort.Created, false) => customers.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        (CustomerSort.Created, true) => customers.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        (_, false) => customers.OrderBy(c => c.Number).ThenBy(c => c.Id),
        (_, true) => customers.OrderByDescending(c => c.Number).ThenByDescending(c => c.Id),
    };
}
