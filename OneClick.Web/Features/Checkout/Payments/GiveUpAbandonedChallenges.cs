using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <param name="GivenUp">Challenges given up in this run (at most a batch; the next run takes the rest).</param>
/// <param name="ContractsForgotten">Pending contracts whose first payment can no longer end, forgotten with their cards.</param>
public sealed record GiveUpAbandonedChallengesOutcome(int GivenUp, int ContractsForgotten);

/// <summary>
/// Gives up 3-D Secure challenges the buyer left (<see cref="AbandonAuthentication.After"/>):
/// otherwise the order stays "in progress" for ever, could be completed days later, and the pending
/// contract of a first CIT payment keeps a card nobody authenticated. A recurring job.
/// </summary>
public sealed class GiveUpAbandonedChallenges(OneClickDbContext db, IServiceScopeFactory scopes, TimeProvider clock, ILogger<GiveUpAbandonedChallenges> logger)
{
    private const int Batch = 200;

    public async Task<GiveUpAbandonedChallengesOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var given = await GiveUpAsync(cancellationToken);
        if (given > 0)
        {
            logger.LogInformation("{Count} abandoned 3-D Secure challenge(s) given up", given);
        }

        var forgotten = await ForgetOrphanedContractsAsync(cancellationToken);
        if (forgotten > 0)
        {
            logger.LogWarning("{Count} pending contract(s) whose first payment ended without an answer forgotten with their cards", forgotten);
        }

        return new GiveUpAbandonedChallengesOutcome(given, forgotten);
    }

    /// <summary>
    /// Pending contracts whose first payment can no longer end (its order closed, or a crash left it
    /// waiting for the acquirer past <see cref="Sale.PendingCountsFor"/>): the encrypted
    /// card of a payment nobody authenticated is not kept.
    /// </summary>
    private Task<int> ForgetOrphanedContractsAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime - Sale.PendingCountsFor;
        return db.Contracts
            .Where(c => c.State == ContractState.Pending && !db.Orders.Any(o => o.Id == c.CreatedByOrderId
                && (o.State == OrderState.AwaitingAuthentication || (o.State == OrderState.Processing && o.UpdatedAt > since))))
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<int> GiveUpAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - AbandonAuthentication.After;
        var orderIds = await db.Orders.AsNoTracking()
            .Where(o => o.State == OrderState.AwaitingAuthentication && o.UpdatedAt <= before)
            .OrderBy(o => o.UpdatedAt)
            .Select(o => o.Id)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var given = 0;
        foreach (var orderId in orderIds)
        {
            // A scope per order: each is given up in its own turns, with its own tracked entities.
            await using var scope = scopes.CreateAsyncScope();
            if ((await scope.ServiceProvider.GetRequiredService<AbandonAuthentication>().RunAsync(orderId, cancellationToken)).GivenUp)
            {
                given++;
            }
        }

        return given;
    }
}
