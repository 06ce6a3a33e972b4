using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Postbacks;

/// <summary>
/// Sends what the outbox holds: postbacks (each delivery on its own task, at most a few per shop and
/// per merchant, so that a dead merchant endpoint, or all of one merchant's shops, only delays that
/// merchant) and e-mails. Woken on commit; sweeps on a timer
/// and at start, so that what a crash left pending goes out after the restart.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<PostbackOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, (int ShopId, int MerchantId)> inFlight = new();
    private readonly ConcurrentDictionary<int, int> perShop = new();
    private readonly ConcurrentDictionary<int, int> perMerchant = new();

    /// <summary>Deliveries whose processing failed (not the merchant: us, e.g. a locked database), held back a while.</summary>
    private readonly ConcurrentDictionary<long, DateTime> coolingDown = new();
    private int emailsRunning;
    private int refundsRunning;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
                if (!await signal.WaitAsync(options.Value.SweepInterval, stoppingToken))
                {
                    signal.LookAtEverythingNextRound(); // the interval passed with no wake-up: a sweep of everything
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be busy or briefly away; the next sweep tries again, e-mails and refunds included.
                signal.LookAtEverythingNextRound();
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
        // Shops and merchants whose slots are all taken (slow or dead endpoints) are left out of the
        // question, so that their backlog never hides others' postbacks.
        var busyShops = perShop.Where(p => p.Value >= options.Value.PerShopConcurrency).Select(p => p.Key).ToList();
        var busyMerchants = perMerchant.Where(p => p.Value >= options.Value.PerMerchantConcurrency).Select(p => p.Key).ToList();
        var due = await (
                from d in db.PostbackDeliveries.AsNoTracking()
                join s in db.Shops.AsNoTracking() on d.ShopId equals s.Id
                where d.State == PostbackState.Pending && d.NextAttemptAt <= now && !busyShops.Contains(d.ShopId) && !busyMerchants.Contains(s.MerchantId)
                orderby d.NextAttemptAt
                select new { d.Id, d.ShopId, s.MerchantId })
            .Take(1000)
            .ToListAsync(stoppingToken);

        foreach (var delivery in due)
        {
            if (inFlight.Count >= options.Value.TotalConcurrency)
            {
                break;
            }

            if (inFlight.ContainsKey(delivery.Id) || perShop.GetValueOrDefault(delivery.ShopId) >= options.Value.PerShopConcurrency
                || perMerchant.GetValueOrDefault(delivery.MerchantId) >= options.Value.PerMerchantConcurrency
                || (coolingDown.TryGetValue(delivery.Id, out var until) && until > now))
            {
                continue;
            }

            inFlight[delivery.Id] = (delivery.ShopId, delivery.MerchantId);
            perShop.AddOrUpdate(delivery.ShopId, 1, (_, n) => n + 1);
            perMerchant.AddOrUpdate(delivery.MerchantId, 1, (_, n) => n + 1);
            _ = Task.Run(() => SendAsync(delivery.Id, delivery.ShopId, delivery.MerchantId, stoppingToken), CancellationToken.None);
        }

        if (!signal.TakeEverything())
        {
            return;
        }

        var emailsDue = await db.OutboxEmails.AnyAsync(e => e.State == EmailState.Pending && e.NextAttemptAt <= now, stoppingToken);
        var emailsWaiting = emailsDue && Interlocked.CompareExchange(ref emailsRunning, 1, 0) != 0;
        if (emailsDue && !emailsWaiting)
        {
            _ = Task.Run(() => RunAsync<EmailOutbox>((outbox, ct) => outbox.SendDueAsync(ct), () => Volatile.Write(ref emailsRunning, 0), stoppingToken), CancellationToken.None);
        }

        var refundsDue = await db.Refunds.AnyAsync(r => r.State == RefundState.Requested, stoppingToken);
        var refundsWaiting = refundsDue && Interlocked.CompareExchange(ref refundsRunning, 1, 0) != 0;
        if (refundsDue && !refundsWaiting)
        {
            _ = Task.Run(() => RunAsync<CompleteRequestedRefunds>((refunds, ct) => refunds.RunAsync(ct), () => Volatile.Write(ref refundsRunning, 0), stoppingToken), CancellationToken.None);
        }

        if (emailsWaiting || refundsWaiting)
        {
            // A round of them is still running: look again next round, or what it missed waits for the sweep.
            signal.LookAtEverythingNextRound();
        }
    }

    private async Task SendAsync(long deliveryId, int shopId, int merchantId, CancellationToken stoppingToken)
    {
        var failed = false;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<PostbackSender>().SendAsync(deliveryId, stoppingToken))
            {
                signal.LookAtEverythingNextRound(); // the sale's refund was booked
            }

            coolingDown.TryRemove(deliveryId, out _);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            failed = true;
            coolingDown[deliveryId] = clock.GetUtcNow().UtcDateTime + CoolDown;
            logger.LogError(ex, "Postback {DeliveryId} could not be processed; it stays pending and is tried again in {CoolDown}", deliveryId, CoolDown);
        }
        finally
        {
            inFlight.TryRemove(deliveryId, out _);
            perShop.AddOrUpdate(shopId, 0, (_, n) => Math.Max(0, n - 1));
            perMerchant.AddOrUpdate(merchantId, 0, (_, n) => Math.Max(0, n - 1));
            if (!failed)
            {
                // A slot is free: anything waiting behind it may go now.
                signal.Wake();
            }
        }
    }

    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    /// <summary>Runs one round of a sequential outbox worker (e-mails, refunds) in its own scope.</summary>
    private async Task RunAsync<TWorker>(Func<TWorker, CancellationToken, Task> round, Action done, CancellationToken stoppingToken)
        where TWorker : notnull
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await round(scope.ServiceProvider.GetRequiredService<TWorker>(), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "The outbox worker {Worker} failed a round", typeof(TWorker).Name);
        }
        finally
        {
            done();
        }
    }
}
