using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api.Queries;

/// <summary>A customer's CIT contracts in the API's shop, active and deactivated.</summary>
public sealed class CustomerContractsQuery(OneClickDbContext db)
{
    public async Task<ApiAnswer> RunAsync(Shop shop, string customerId, CancellationToken cancellationToken)
    {
        // A contract whose first payment is still under way is nobody's yet.
        var contracts = await (
            from c in db.Contracts.AsNoTracking()
            join customer in db.Customers on c.CustomerId equals customer.Id
            where c.ShopId == shop.Id && customer.CustomerUnionId == shop.CustomerUnionId && customer.Number == customerId && c.State != ContractState.Pending
            orderby c.Id
            select c).ToListAsync(cancellationToken);
        if (contracts.Count == 0)
        {
            return ApiAnswer.NotFound($"Customer '{ApiAnswer.Echo(customerId)}' has no contracts in this shop.");
        }

        return ApiAnswer.Ok(new CustomerContracts(customerId, [.. contracts.Select(ContractDetails.Of)]));
    }

}
