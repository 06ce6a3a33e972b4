using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OneClick.Core;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers;

public enum CustomerSort
{
    Number,
    Status,
    Created,
}

/// <summary>What the customer list asks for, as read from its query string.</summary>
public sealed record CustomerListQuery(string? NumberPrefix, CustomerStatus? Status, CustomerSort Sort, bool Descending, int Page);

/// <summary>A customer's approved one-click turnover over the rolling day and week, per currency.</summary>
public sealed record Turnover(IReadOnlyList<Money> Day, IReadOnlyList<Money> Week)
{
    public static readonly Turnover None = new([], []);
}

public sealed record CustomerRow(long Id, string Number, string UnionName, CustomerStatus Status, int LiveCards, Turnover Turnover, DateTime CreatedAt);

public sealed record CustomerListPage(IReadOnlyList<CustomerRow> Rows, int Total, int Page, int PageCount);

public sealed record CustomerCard(long Id, string Display, string Expiry, int SuccessfulPayments, bool Confirmed, DateTime? LockedUntil, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? DeletedAt)
{
    public bool IsLive => DeletedAt is null;

    public bool IsLocked(DateTime now) => IsLive && LockedUntil > now;
}

/// <summary>
/// A CIT contract of the customer at one of the person's shops, as staff may see it: the card as
/// <see cref="Contract.Display"/> has it (brand and last four), never more of it.
/// </summary>
public sealed record CustomerContract(long Id, string ContractId, int ShopId, string ShopName, string Display, string Expiry, ContractState State, DateTime CreatedAt, DateTime? DeactivatedAt, int Payments)
{
    public bool IsActive => State == ContractState.Active;
}

public sealed record CustomerSale(long Id, DateTime CreatedAt, int ShopId, string ShopName, Money Amount, SaleResult Result, DeclineReason? DeclineReason, bool OneClickPayment, string Card);

public sealed record CustomerDetails(
    long Id,
    string Number,
    int UnionId,
    string UnionName,
    CustomerStatus Status,
    DateTime CreatedAt,
    DateTime StatusChangedAt,
    IReadOnlyList<CustomerCard> Cards,
    IReadOnlyList<CustomerContract> Contracts,
    IReadOnlyList<CustomerSale> Sales,
    Turnover Turnover);

/// <summary>
/// The customers a back-office person may see: those of the customer unions that hold at least one
/// of their shops. Sales and turnover are counted at their own shops only, because a union may span
/// merchants and the other merchant's sales are none of theirs.
/// </summary>
public sealed class CustomerDirectory(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    public const int PageSize = 25;

    /// <summary>The customer's page shows this many of their latest sales.</summary>
    public const int SalesShown = 50;

    public async Task<CustomerListPage> ListAsync(CustomerListQuery query, CancellationToken cancellationToken)
    {
        var customers = await VisibleCustomersAsync();
        if (!string.IsNullOrEmpty(query.NumberPrefix))
        {
            customers = customers.Where(c => c.Number.StartsWith(query.NumberPrefix));
        }

        if (query.Status is { } status)
        {
            customers = customers.Where(c => c.Status == status);
        }

        var total = await customers.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(query.Page, 1, pageCount);
        var rows = await Sorted(customers, query.Sort, query.Descending)
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
        var turnover = await TurnoverAsync(rows.Select(r => r.Id).ToList(), cancellationToken);
        return new CustomerListPage(
            [.. rows.Select(r => new CustomerRow(r.Id, r.Number, r.UnionName, r.Status, r.LiveCards, turnover.GetValueOrDefault(r.Id, Turnover.None), r.CreatedAt))],
            total,
            page,
            pageCount);
    }

    /// <summary>The customer, when one of this person's unions holds them; else null, whatever the id.</summary>
    public async Task<Customer?> FindCustomerAsync(long id, CancellationToken cancellationToken) =>
        await (await VisibleCustomersAsync()).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    public async Task<CustomerDetails?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var customer = await FindCustomerAsync(id, cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var unionName = await db.CustomerUnions.Where(u => u.Id == customer.CustomerUnionId).Select(u => u.Name).SingleAsync(cancellationToken);
        var cards = await db.SavedCards.AsNoTracking()
            .Where(c => c.Wallet.CustomerId == customer.Id)
            .OrderBy(c => c.DeletedAt != null).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .ToListAsync(cancellationToken);
        var cardIds = cards.Select(c => (long?)c.Id).ToList();
        var shops = await staff.ShopsAsync();
        var shopIds = await shops.Select(s => s.Id).ToListAsync(cancellationToken);
        var shopIdsInUnion = await shops.Where(s => s.CustomerUnionId == customer.CustomerUnionId).Select(s => s.Id).ToListAsync(cancellationToken);
        var number = customer.Number;
        // Theirs: sales of orders that named them at a shop of their union, and sales with their saved cards.
        var sales = await (
                from s in db.Sales.AsNoTracking()
                join o in db.Orders on s.OrderId equals o.Id
                join shop in db.Shops on s.ShopId equals shop.Id
                where shopIds.Contains(s.ShopId)
                    && ((o.CustomerNumber == number && shopIdsInUnion.Contains(s.ShopId)) || cardIds.Contains(s.SavedCardId))
                orderby s.CreatedAt descending, s.Id descending
                select new { s.Id, s.CreatedAt, s.ShopId, ShopName = shop.Name, s.Amount, s.Currency, s.Result, s.DeclineReason, s.OneClickPayment, s.Brand, s.TruncatedPan })
            .Take(SalesShown)
            .ToListAsync(cancellationToken);
        var turnover = await TurnoverAsync([customer.Id], cancellationToken);
        return new CustomerDetails(
            customer.Id,
            customer.Number,
            customer.CustomerUnionId,
            unionName,
            customer.Status,
            customer.CreatedAt,
            customer.StatusChangedAt,
            [.. cards.Select(c => new CustomerCard(c.Id, c.Display, c.Expiry.ToString(), c.SuccessfulPayments, c.Confirmed, c.LockedUntil, c.CreatedAt, c.LastUsedAt, c.DeletedAt))],
            await ContractsAsync(customer.Id, shopIds, cancellationToken),
            [.. sales.Select(s => new CustomerSale(s.Id, s.CreatedAt, s.ShopId, s.ShopName, new Money(s.Amount, s.Currency), s.Result, s.DeclineReason, s.OneClickPayment, $"{s.Brand.DisplayName()} •••• {s.TruncatedPan[^4..]}"))],
            turnover.GetValueOrDefault(customer.Id, Turnover.None));
    }

    /// <summary>
    /// The customer's contracts at these shops only (a union may span merchants: another merchant's
    /// contracts are none of theirs), active first, then newest. A pending contract is left out, as the
    /// API's list leaves it out: its first payment is still under way, it can be neither charged nor
    /// deactivated, and it is deleted if that payment is not approved.
    /// </summary>
    private async Task<List<CustomerContract>> ContractsAsync(long customerId, List<int> shopIds, CancellationToken cancellationToken)
    {
        var contracts = await (
                from c in db.Contracts.AsNoTracking()
                join shop in db.Shops on c.ShopId equals shop.Id
                where c.CustomerId == customerId && shopIds.Contains(c.ShopId) && c.State != ContractState.Pending
                orderby c.State == ContractState.Active descending, c.CreatedAt descending, c.Id descending
                select new { Contract = c, ShopName = shop.Name })
            .ToListAsync(cancellationToken);
        return [.. contracts.Select(x => new CustomerContract(
            x.Contract.Id, x.Contract.ContractId, x.Contract.ShopId, x.ShopName, x.Contract.Display, x.Contract.Expiry.ToString(),
            x.Contract.State, x.Contract.CreatedAt, x.Contract.DeactivatedAt, x.Contract.Payments))];
    }

    private async Task<IQueryable<Customer>> VisibleCustomersAsync()
    {
        var unionIds = (await staff.ShopsAsync()).Select(s => s.CustomerUnionId);
        return db.Customers.AsNoTracking().Where(c => unionIds.Contains(c.CustomerUnionId));
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

    /// <summary>
    /// Approved one-click payments (a saved card with its CVC, or a token) at this person's shops over
    /// the rolling 24 hours and 7 days, as the turnover limits count them (no midnight resets them).
    /// </summary>
    private async Task<Dictionary<long, Turnover>> TurnoverAsync(List<long> customerIds, CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var weekSince = now - TurnoverLimit.Week;
        var daySince = now - TurnoverLimit.Day;
        var shopIds = await staff.ShopIdsAsync();
        var ids = customerIds.Select(id => (long?)id).ToList();
        // Summed here: SQLite cannot add decimals exactly, and a week of one page's customers is small.
        var sales = await (
                from s in db.Sales.AsNoTracking()
                join c in db.SavedCards on s.SavedCardId equals c.Id
                where shopIds.Contains(s.ShopId) && s.OneClickPayment && s.Result == SaleResult.Approved && s.CreatedAt > weekSince
                    && ids.Contains(c.Wallet.CustomerId)
                select new { CustomerId = c.Wallet.CustomerId!.Value, s.Amount, s.Currency, s.CreatedAt })
            .ToListAsync(cancellationToken);
        return sales.GroupBy(s => s.CustomerId).ToDictionary(
            g => g.Key,
            g => new Turnover(
                Sum(g.Where(s => s.CreatedAt > daySince).Select(s => new Money(s.Amount, s.Currency))),
                Sum(g.Select(s => new Money(s.Amount, s.Currency)))));
    }

    private static List<Money> Sum(IEnumerable<Money> payments) =>
        [.. payments.GroupBy(p => p.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Money(g.Sum(p => p.Amount), g.Key))];

    /// <summary>A time as the back-office shows it: UTC, to the minute.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
