using Microsoft.EntityFrameworkCore;
using OneClick.Core;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Sales;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Queries;

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
    Turnover Turnover,
    CustomerPermissions May);

/// <summary>
/// What this person may change of the customer, so that a page offers only that (each command checks
/// again when it runs).
/// </summary>
/// <param name="ChangeCustomer">Set Deny or Member and remove a card (<see cref="CustomerAccess.MayChange"/>).</param>
/// <param name="DeactivateContracts">Owners and administrators only: a merchant cannot undo it.</param>
public sealed record CustomerPermissions(bool ChangeCustomer, bool DeactivateContracts);

/// <summary>
/// A customer's page: the customer of one of this person's unions with their saved cards, their
/// contracts and sales at this person's shops, and their turnover there; null for any other id. Sales
/// and contracts are of their own shops only, because a union may span merchants.
/// </summary>
public sealed class CustomerDetailQuery(OneClickDbContext db, CurrentStaff staff, CustomerTurnoverQuery turnover, CustomerAccessQuery access)
{
    /// <summary>The customer's page shows this many of their latest sales.</summary>
    public const int SalesShown = 50;

    public async Task<CustomerDetails?> RunAsync(long customerId, CancellationToken cancellationToken)
    {
        var shops = await staff.ShopsAsync();
        var unionIds = shops.Select(s => s.CustomerUnionId);
        var customer = await db.Customers.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == customerId && unionIds.Contains(c.CustomerUnionId), cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var unionName = await db.CustomerUnions.AsNoTracking().Where(u => u.Id == customer.CustomerUnionId).Select(u => u.Name).SingleAsync(cancellationToken);
        var cards = await db.SavedCards.AsNoTracking()
            .Where(c => c.Wallet.CustomerId == customer.Id)
            .OrderBy(c => c.DeletedAt != null).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .ToListAsync(cancellationToken);
        var shopIds = await shops.Select(s => s.Id).ToListAsync(cancellationToken);
        var shopIdsInUnion = await shops.Where(s => s.CustomerUnionId == customer.CustomerUnionId).Select(s => s.Id).ToListAsync(cancellationToken);
        var turnovers = await turnover.RunAsync([customer.Id], cancellationToken);
        var mayChange = (await access.RunAsync(customer.Id, cancellationToken))?.MayChange ?? false;
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
            await SalesAsync(customer.Number, [.. cards.Select(c => (long?)c.Id)], shopIds, shopIdsInUnion, cancellationToken),
            turnovers.GetValueOrDefault(customer.Id, Turnover.None),
            new CustomerPermissions(mayChange, staff.MayManageMerchant));
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
                join shop in db.Shops.AsNoTracking() on c.ShopId equals shop.Id
                where c.CustomerId == customerId && shopIds.Contains(c.ShopId) && c.State != ContractState.Pending
                orderby c.State == ContractState.Active descending, c.CreatedAt descending, c.Id descending
                select new { Contract = c, ShopName = shop.Name })
            .ToListAsync(cancellationToken);
        return [.. contracts.Select(x => new CustomerContract(
            x.Contract.Id, x.Contract.ContractId, x.Contract.ShopId, x.ShopName, x.Contract.Display, x.Contract.Expiry.ToString(),
            x.Contract.State, x.Contract.CreatedAt, x.Contract.DeactivatedAt, x.Contract.Payments))];
    }

    /// <summary>
    /// Theirs, at this person's shops: sales of orders that named them at a shop of their union, and
    /// sales with their saved cards. The latest <see cref="SalesShown"/>, newest first.
    /// </summary>
    private async Task<List<CustomerSale>> SalesAsync(string number, List<long?> cardIds, List<int> shopIds, List<int> shopIdsInUnion, CancellationToken cancellationToken)
    {
        var sales = await (
                from s in db.Sales.AsNoTracking()
                join o in db.Orders.AsNoTracking() on s.OrderId equals o.Id
                join shop in db.Shops.AsNoTracking() on s.ShopId equals shop.Id
                where shopIds.Contains(s.ShopId)
                    && ((o.CustomerNumber == number && shopIdsInUnion.Contains(s.ShopId)) || cardIds.Contains(s.SavedCardId))
                orderby s.CreatedAt descending, s.Id descending
                select new { s.Id, s.CreatedAt, s.ShopId, ShopName = shop.Name, s.Amount, s.Currency, s.Result, s.DeclineReason, s.OneClickPayment, s.Brand, s.TruncatedPan })
            .Take(SalesShown)
            .ToListAsync(cancellationToken);
        return [.. sales.Select(s => new CustomerSale(
            s.Id, s.CreatedAt, s.ShopId, s.ShopName, new Money(s.Amount, s.Currency), s.Result, s.DeclineReason, s.OneClickPayment,
            $"{s.Brand.DisplayName()} •••• {s.TruncatedPan[^4..]}"))];
    }
}
