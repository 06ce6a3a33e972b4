using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api.Commands;

public sealed record ExpirePaymentLinksOutcome(int Expired);

/// <summary>
/// Closes pay-by-links past their expiry, in one set-based statement. An expired link is also refused
/// at use (the order page and the payment check the time), so this keeps the state honest for the
/// merchant's order queries and the back-office. A recurring job.
/// </summary>
public sealed class ExpirePaymentLinks(OneClickDbContext db, TimeProvider clock, ILogger<ExpirePaymentLinks> logger)
{
    public async Task<ExpirePaymentLinksOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Only open orders: one whose payment is under way finishes it; the stamp makes a racing payment's save fail.
        var expired = await db.Orders
            .Where(Order.ExpirableAt(now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, OrderState.Expired)
                .SetProperty(o => o.UpdatedAt, now)
                .SetProperty(o => o.ConcurrencyStamp, o => o.ConcurrencyStamp + 1), cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("{Count} payment link(s) expired", expired);
        }

        return new ExpirePaymentLinksOutcome(expired);
    }
}
