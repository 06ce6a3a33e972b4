using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Queries;

/// <summary>
/// Whether a payment on a contract waits for the acquirer's answer: a deactivation must wait for it,
/// or it could be answered "done" while the charge goes through. A crashed one counts for
/// <see cref="Sale.PendingCountsFor"/> only.
/// </summary>
public sealed class ContractPaymentInFlightQuery(OneClickDbContext db, TimeProvider clock)
{
    public Task<bool> RunAsync(int shopId, string contractId, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime - Sale.PendingCountsFor;
        return db.Orders.AsNoTracking().AnyAsync(
            o => o.ShopId == shopId && o.ContractId == contractId && o.Recurrence == RecurrenceAction.SubsequentPayment
                && o.State == OrderState.Processing && o.UpdatedAt > since,
            cancellationToken);
    }
}
