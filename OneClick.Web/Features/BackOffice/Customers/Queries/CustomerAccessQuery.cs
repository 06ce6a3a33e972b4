using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Customers.Queries;

/// <summary>A customer as a command that changes them needs to know them: who they are and whether this person may.</summary>
/// <param name="MayChange">
/// One merchant owning every shop of the union: its people may, and so may an administrator. A union
/// of several merchants: only an administrator may (a merchant never changes another merchant's customer).
/// </param>
/// <param name="MerchantId">
/// The merchant a change's audit entry is recorded for, so that its owner sees it (an administrator's
/// too); null for an administrator's change in a union of several merchants, a gateway-wide one.
/// </param>
public sealed record CustomerAccess(long Id, string Number, int UnionId, bool MayChange, int? MerchantId)
{
    /// <summary>The audit entries' subject.</summary>
    public string Subject => $"customer {Id} ({Number})";
}

/// <summary>
/// The customer, when one of this person's unions holds them (the scope the pages show); null for
/// any other id, whatever it is, so that another merchant's customer reads as one that does not exist.
/// </summary>
public sealed class CustomerAccessQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async Task<CustomerAccess?> RunAsync(long customerId, CancellationToken cancellationToken)
    {
        var unionIds = (await staff.ShopsAsync()).Select(s => s.CustomerUnionId);
        var customer = await db.Customers.AsNoTracking()
            .Where(c => c.Id == customerId && unionIds.Contains(c.CustomerUnionId))
            .Select(c => new { c.Id, c.Number, c.CustomerUnionId })
            .SingleOrDefaultAsync(cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var merchants = await db.Shops.AsNoTracking().Where(s => s.CustomerUnionId == customer.CustomerUnionId)
            .Select(s => s.MerchantId).Distinct().ToListAsync(cancellationToken);
        var mine = await staff.MerchantIdAsync();
        var (mayChange, merchantId) = merchants.Count == 1 && (mine is null || mine == merchants[0]) ? (true, (int?)merchants[0])
            : mine is null ? (true, null) // an administrator on a union of several merchants: a gateway-wide change
            : (false, null);
        return new CustomerAccess(customer.Id, customer.Number, customer.CustomerUnionId, mayChange, merchantId);
    }
}
