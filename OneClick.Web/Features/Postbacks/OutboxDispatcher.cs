using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Postbacks;

/// <summary>
/// Sends what the outbox holds: postbacks (each delivery on its own task, at most a few per shop, so
/// that a dead merchant endpoint only delays itself) and e-mails. Woken on commit; sweeps on a timer
/// and at start, so that what a crash left pending goes out after the restart.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<PostbackOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, int> inFlight = new();
    private readonly ConcurrentDictionary<int, int> perShop = new();
    private int emailsRunning;

    /// <summary>Finishes when every delivery started so far is done (tests wait on it).</summary>
    public async Task IdleAsync(TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!inFlight.IsEmpty || Volatile.Read(ref emailsRunning) != 0)
        {
            if (waited.Elapsed > timeout)
            {
                return;
            }

            await Task.Delay(20);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
                await signal.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be busy or briefly away; the next sweep tries again.
                logger.LogError(ex, "The outbox dispatcher failed a round");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task DispatchDueAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        var due = await db.PostbackDeliveries.AsNoTracking()
            .Where(d => d.State == PostbackState.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => new { d.Id, d.ShopId })
            .Take(1000)
            .ToListAsync(stoppingToken);

        foreach (var delivery in due)
        {
            if (inFlight.Count >= options.Value.TotalConcurrency)
            {
                break;
            }

            if (inFlight.ContainsKey(delivery.Id) || perShop.GetValueOrDefault(delivery.ShopId) >= options.Value.PerShopConcurrency)
            {
                continue;
            }

            inFlight[delivery.Id] = delivery.ShopId;
            perShop.AddOrUpdate(delivery.ShopId, 1, (_, n) => n + 1);
            _ = Task.Run(() => SendAsync(delivery.Id, delivery.ShopId, stoppingToken), CancellationToken.None);
        }

        var emailsDue = await db.OutboxEmails.AnyAsync(e => e.State == EmailState.Pending && e.NextAttemptAt <= now, stoppingToken);
        if (emailsDue && Interlocked.CompareExchange(ref emailsRunning, 1, 0) == 0)
        {
            _ = Task.Run(() => SendEmailsAsync(stoppingToken), CancellationToken.None);
        }
    }

    private async Task SendAsync(long deliveryId, int shopId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PostbackSender>().SendAsync(deliveryId, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Postback {DeliveryId} could not be processed; it stays pending", deliveryId);
        }
        finally
        {
            inFlight.TryRemove(deliveryId, out _);
            perShop.AddOrUpdate(shopId, 0, (_, n) => Math.Max(0, n - 1));
            // A slot is free: anything waiting behind it may go now.
            signal.Wake();
        }
    }

    private async Task SendEmailsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<EmailOutbox>().SendDueAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Sending e-mails failed a round");
        }
        finally
        {
            Volatile.Write(ref emailsRunning, 0);
        }
    }
}
