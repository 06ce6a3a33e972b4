using Microsoft.EntityFrameworkCore;
using OneClick.Core.Api;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api.Commands;

public sealed record ForgetIdempotencyKeysOutcome(int Forgotten);

/// <summary>
/// Keys are answered for <see cref="IdempotencyRecord.KeptFor"/>; their stored answers are not kept
/// longer. A recurring job.
/// </summary>
public sealed class ForgetIdempotencyKeys(OneClickDbContext db, TimeProvider clock, ILogger<ForgetIdempotencyKeys> logger)
{
    public async Task<ForgetIdempotencyKeysOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.KeptFor;
        var forgotten = await db.IdempotencyRecords.Where(r => r.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        if (forgotten > 0)
        {
            logger.LogInformation("{Count} idempotency key(s) older than {Hours} h forgotten", forgotten, IdempotencyRecord.KeptFor.TotalHours);
        }

        return new ForgetIdempotencyKeysOutcome(forgotten);
    }
}
