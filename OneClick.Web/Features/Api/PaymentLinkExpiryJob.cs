using Microsoft.EntityFrameworkCore;
using OneClick.Core.Api;
using OneClick.Core.Orders;
using OneClick.Web.Persistence;
using Quartz;

namespace OneClick.Web.Features.Api;

/// <summary>
/// Closes pay-by-links past their expiry, in one set-based statement, and forgets old idempotency keys. An expired link is also refused
/// at use (the order page and the payment check the time), so this job keeps the state honest for
/// the merchant's order queries and the back-office.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PaymentLinkExpiryJob(OneClickDbContext db, TimeProvider clock, ILogger<PaymentLinkExpiryJob> logger) : IJob
{
    public static readonly JobKey Key = new("payment-link-expiry", "oneclick");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var expired = await ExpireAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("{Count} payment link(s) expired", expired);
        }

        var forgotten = await ForgetIdempotencyKeysAsync(cancellationToken);
        if (forgotten > 0)
        {
            logger.LogInformation("{Count} idempotency key(s) older than {Hours} h forgotten", forgotten, IdempotencyRecord.KeptFor.TotalHours);
        }
    }

    /// <summary>Keys are answered for <see cref="IdempotencyRecord.KeptFor"/>; their stored answers are not kept longer.</summary>
    public Task<int> ForgetIdempotencyKeysAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.KeptFor;
        return db.IdempotencyRecords.Where(r => r.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    public Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Only open orders: one whose payment is under way finishes it; the stamp makes a racing payment's save fail.
        return db.Orders
            .Where(Order.ExpirableAt(now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, OrderState.Expired)
                .SetProperty(o => o.UpdatedAt, now)
                .SetProperty(o => o.ConcurrencyStamp, o => o.ConcurrencyStamp + 1), cancellationToken);
    }
}
