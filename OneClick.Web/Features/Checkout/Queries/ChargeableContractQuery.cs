using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Orders;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>
/// The active contract a SUBSEQUENT_PAYMENT order charges, as the database has it now, when it still
/// belongs to the order's customer and the merchant has not set that customer to Deny.
/// </summary>
public sealed class ChargeableContractQuery(OneClickDbContext db)
{
    public async Task<Contract?> RunAsync(Order order, CancellationToken cancellationToken)
    {
        var found = await (
            from c in db.Contracts.AsNoTracking()
            join customer in db.Customers.AsNoTracking() on c.CustomerId equals customer.Id
            where c.ShopId == order.ShopId && c.ContractId == order.ContractId && customer.Number == order.CustomerNumber
                && customer.Status != CustomerStatus.Deny
            select c).SingleOrDefaultAsync(cancellationToken);
        return found is { IsChargeable: true } ? found : null;
    }
}
