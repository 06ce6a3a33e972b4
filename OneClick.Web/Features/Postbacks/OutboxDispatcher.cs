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
/// merchant) and e-mails. Woken on commit, with the sale's postback handed over so that it is not
/// looked for; looks in the database at start, and when the recurring outbox sweep
/// (<see cref="Commands.SweepOutbox"/>, a Hangfire job) finds something due, so that what a crash
/// left pending, or a retry that came due, goes out after it.
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
    /// <summary>
    /// Postbacks known to be due that wait for a slot, oldest first: handed over on commit or found in
    /// the database. Only the dispatcher's loop touches them.
    /// </summary>
    private readonly List<HandedPostback> waiting = [];
    private readonly HashSet<long> waitingIds = [];
    private readonly Dictionary<int, int> waitingPerShop = [];
    private readonly List<HandedPostback> handed = [];

    /// <summary>Handed-over postbacks claimed with their sale that found no room in memory: their claims are given up.</summary>
    private readonly List<HandedPostback> unclaimed = [];

    /// <summary>
    /// Shops and merchants with due postbacks left in the database: at their limit when it was asked,
    /// or with no room left in memory. When a send of theirs ends, the database is asked again.
    /// </summary>
    private readonly ConcurrentDictionary<int, byte> leftOutShops = new();
    private readonly ConcurrentDictionary<int, byte> leftOutMerchants = new();

    /// <summary>The last look found as many as it asks for at once: any send that ends asks again.</summary>
    private int leftOutMore;
    private int emailsRunning;
    private int refundsRunning;

    /// <summary>
    /// Postbacks of one shop kept in memory at most, a few rounds of its slots: a dead endpoint's
    /// backlog waits in the database and never takes the room of other shops' postbacks.
    /// </summary>
    private int InMemoryPerShop => 4 * options.Value.PerShopConcurrency;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
                await signal.WaitAsync(stoppingToken);
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
        handed.Clear();
        signal.TakeHanded(handed);
        foreach (var postback in handed)
        {
            Wait(postback);
        }

        if (unclaimed.Count > 0)
        {
            await ReleaseClaimsAsync(stoppingToken);
        }

        var everything = signal.TakeEverything();
        if (!signal.TakeDatabase() && !everything)
        {
            StartWaiting(now, stoppingToken);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        // Shops and merchants whose slots are all taken (slow or dead endpoints) are left out of the
        // question, so that their backlog never hides others' postbacks.
        var busyShops = perShop.Where(p => p.Value >= options.Value.PerShopConcurrency).Select(p => p.Key).ToList();
        var busyMerchants = perMerchant.Where(p => p.Value >= options.Value.PerMerchantConcurrency).Select(p => p.Key).ToList();
        LeaveOut(leftOutShops, busyShops);
        LeaveOut(leftOutMerchants, busyMerchants);
        var due = await (
                from d in db.PostbackDeliveries.AsNoTracking().Where(PostbackDelivery.DueAt(now))
                join s in db.Shops.AsNoTracking() on d.ShopId equals s.Id
                where !busyShops.Contains(d.ShopId) && !busyMerchants.Contains(s.MerchantId)
                orderby d.NextAttemptAt
                select new HandedPostback(d.Id, d.ShopId, s.MerchantId, null))
            .Take(AtOnce)
            .ToListAsync(stoppingToken);
        Volatile.Write(ref leftOutMore, due.Count >= AtOnce ? 1 : 0);
        foreach (var postback in due)
        {
            Wait(postback);
        }

        StartWaiting(now, stoppingToken);

        if (!everything)
        {
            return;
        }

        var emailsDue = await db.OutboxEmails.AnyAsync(OutboxEmail.DueAt(now), stoppingToken);
        var emailsWaiting = emailsDue && Interlocked.CompareExchange(ref emailsRunning, 1, 0) != 0;
        if (emailsDue && !emailsWaiting)
        {
            _ = Task.Run(() => RunAsync<EmailOutbox>((outbox, ct) => outbox.SendDueAsync(ct), () => Volatile.Write(ref emailsRunning, 0), stoppingToken), CancellationToken.None);
        }

        var refundsDue = await db.Refunds.AnyAsync(Refund.DueAt(now), stoppingToken);
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

    /// <summary>Due postbacks one look in the database takes at most.</summary>
    private const int AtOnce = 1000;

    private static void LeaveOut(ConcurrentDictionary<int, byte> leftOut, List<int> ids)
    {
        leftOut.Clear();
        foreach (var id in ids)
        {
            leftOut[id] = 0;
        }
    }

    /// <summary>
    /// Keeps a due postback until a slot is free, once (it may be handed over and found as well). With
    /// no room for it, it stays in the database, and its shop is asked for again when one of its sends
    /// ends; one claimed with its sale gives its claim up first, or that look would pass it over.
    /// </summary>
    private void Wait(HandedPostback postback)
    {
        if (inFlight.ContainsKey(postback.DeliveryId) || waitingIds.Contains(postback.DeliveryId))
        {
            return;
        }

        var ofShop = waitingPerShop.GetValueOrDefault(postback.ShopId);
        if (ofShop >= InMemoryPerShop || waiting.Count >= OutboxSignal.HandedAtMost)
        {
            leftOutShops[postback.ShopId] = 0;
            if (postback.ClaimedUntil is not null)
            {
                unclaimed.Add(postback);
            }

            return;
        }

        waitingIds.Add(postback.DeliveryId);
        waiting.Add(postback);
        waitingPerShop[postback.ShopId] = ofShop + 1;
    }

    /// <summary>Starts the waiting postbacks that have a slot, in their order; the others keep their place.</summary>
    private void StartWaiting(DateTime now, CancellationToken stoppingToken)
    {
        var kept = 0;
        for (var i = 0; i < waiting.Count; i++)
        {
            var delivery = waiting[i];
            if (inFlight.Count >= options.Value.TotalConcurrency
                || perShop.GetValueOrDefault(delivery.ShopId) >= options.Value.PerShopConcurrency
                || perMerchant.GetValueOrDefault(delivery.MerchantId) >= options.Value.PerMerchantConcurrency)
            {
                waiting[kept++] = delivery;
                continue;
            }

            waitingIds.Remove(delivery.DeliveryId);
            waitingPerShop[delivery.ShopId]--;
            if (inFlight.ContainsKey(delivery.DeliveryId) || (coolingDown.TryGetValue(delivery.DeliveryId, out var until) && until > now))
            {
                continue; // a failed one is found again by the sweep once it has cooled down
            }

            inFlight[delivery.DeliveryId] = (delivery.ShopId, delivery.MerchantId);
            perShop.AddOrUpdate(delivery.ShopId, 1, (_, n) => n + 1);
            perMerchant.AddOrUpdate(delivery.MerchantId, 1, (_, n) => n + 1);
            _ = Task.Run(() => SendAsync(delivery, stoppingToken), CancellationToken.None);
        }

        waiting.RemoveRange(kept, waiting.Count - kept);
    }

    private async Task SendAsync(HandedPostback postback, CancellationToken stoppingToken)
    {
        var (deliveryId, shopId, merchantId, claimedUntil) = postback;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<PostbackSender>().SendAsync(deliveryId, claimedUntil, stoppingToken))
            {
                signal.LookAtEverythingNextRound(); // the sale's refund was booked
            }

            coolingDown.TryRemove(deliveryId, out _);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            coolingDown[deliveryId] = clock.GetUtcNow().UtcDateTime + CoolDown;
            logger.LogError(ex, "Postback {DeliveryId} could not be processed; it stays pending and is tried again by the first outbox sweep after {CoolDown}", deliveryId, CoolDown);
        }
        finally
        {
            inFlight.TryRemove(deliveryId, out _);
            perShop.AddOrUpdate(shopId, 0, (_, n) => Math.Max(0, n - 1));
            perMerchant.AddOrUpdate(merchantId, 0, (_, n) => Math.Max(0, n - 1));
            // A slot is free (a failed one too: its delivery cools down, not its slot). Where the
            // database holds postbacks of this shop or merchant that were left out, it is asked again;
            // otherwise one waiting in memory may go now.
            if (leftOutShops.ContainsKey(shopId) || leftOutMerchants.ContainsKey(merchantId) || Volatile.Read(ref leftOutMore) == 1)
            {
                signal.Wake();
            }
            else
            {
                signal.SlotFreed();
            }
        }
    }

    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gives up the claims of the handed-over postbacks kept out of memory, in one write turn: only
    /// while this node still holds each (its claim's end unchanged). Rare: a shop with a backlog.
    /// </summary>
    private async Task ReleaseClaimsAsync(CancellationToken stoppingToken)
    {
        var held = unclaimed.ToDictionary(p => p.DeliveryId, p => p.ClaimedUntil!.Value);
        unclaimed.Clear();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        var rows = scope.ServiceProvider.GetRequiredService<RowStatements>();
        var ids = held.Keys.ToList();
        var deliveries = await db.PostbackDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(stoppingToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var write = await scope.ServiceProvider.GetRequiredService<WriteGate>().BeginAsync(db, stoppingToken);
        foreach (var delivery in deliveries.Where(d => d.IsHeldUntil(held[d.Id], now)))
        {
            var asRead = rows.Snapshot(db, delivery);
            delivery.ReleaseClaim(held[delivery.Id], now);
            await rows.TryUpdateAsync(db, delivery, asRead, stoppingToken);
        }

        await write.CommitAsync(stoppingToken);
    }

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
