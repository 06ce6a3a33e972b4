using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api.Queries;

/// <summary>An order of the API's shop by its orderId, with one operation per payment attempt that reached the acquirer.</summary>
public sealed class ApiOrderQuery(OneClickDbContext db, TimeProvider clock)
{
    public async Task<ApiAnswer> RunAsync(Shop shop, string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.ShopId == shop.Id && o.ReferenceId == orderId, cancellationToken);
        if (order is null)
        {
            return ApiAnswer.NotFound($"This shop has no order with orderId '{ApiAnswer.Echo(orderId)}'.");
        }

        var sales = await db.Sales.AsNoTracking().Where(s => s.OrderId == order.Id).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var state = order.StateAt(Now);
        return ApiAnswer.Ok(new OrderDetails(
            order.ReferenceId!,
            ApiNames.Of(state),
            ApiNames.Of(order.Channel),
            decimal.ToInt64(order.Amount * 100),
            order.Currency,
            order.CustomerNumber,
            order.Description,
            order.Recurrence is { } action ? new RecurrenceDetails(ApiOrderParser.ActionName(action), order.ContractId, order.ContractId is null ? null : "CIT") : null,
            order.ExpiresAt,
            order.CreatedAt,
            [.. sales.Select(s => new OperationDetails(
                s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "AUTHORIZATION",
                ApiNames.Of(s.Result),
                decimal.ToInt64(s.Amount * 100),
                s.Currency,
                ApiNames.Circuit(s.Brand),
                "***" + s.TruncatedPan[^4..],
                s.ThreeDSecureChallenged,
                s.DeclineReason?.ForStaff(),
                s.CreatedAt,
                s.CompletedAt))]));
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
