using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// The customers of a union by number, as the checkout meets them: whether the merchant set them to
/// Deny (rule 8), and their record, added the first time a wallet or contract needs one. Staff set
/// Deny and lift it with <c>BackOffice.Customers.Commands.SetCustomerStatus</c>.
/// </summary>
public sealed class UnionCustomers(OneClickDbContext db, TimeProvider clock)
{
    public Task<Customer?> FindAsync(int customerUnionId, string number, CancellationToken cancellationToken) =>
        db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);

    /// <summary>The customer of a union by number, recorded (and saved) if the gateway has not met them; two racing first meetings make one customer.</summary>
    public async Task<Customer> FindOrAddAsync(int customerUnionId, string number, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);
        if (customer is not null)
        {
            return customer;
        }

        customer = db.Customers.Add(new Customer(customerUnionId, number, Now)).Entity;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return customer;
        }
        catch (DbUpdateException ex) when (UniqueIndex.Refused(ex))
        {
            db.Entry(customer).State = EntityState.Detached;
            return await db.Customers.SingleAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
