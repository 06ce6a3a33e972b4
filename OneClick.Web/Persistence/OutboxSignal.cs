using System.Collections.Concurrent;

namespace OneClick.Web.Persistence;

/// <summary>
/// Wakes the outbox dispatcher as soon as something was committed to the outbox, so that a postback
/// leaves within a second of its sale; the recurring outbox sweep is only the fallback. A sale's postback is
/// handed over with its commit (<see cref="Hand"/>), so the dispatcher sends it without looking for it
/// in the database (when the dispatcher asks the database is its to say: decision 026). A wake-up for
/// postbacks alone does not look for e-mails and refunds: that costs two queries a round and is
/// needed only when one was booked.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    /// <summary>Postbacks handed over and not yet taken, and waiting in the dispatcher, at most each; past it, they are found in the database instead.</summary>
    public const int HandedAtMost = 10_000;

    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly ConcurrentQueue<HandedPostback> handed = new();
    private int handedCount;
    private int everything = 1; // the first round looks at everything
    private int database = 1;

    /// <summary>
    /// Whether a postback handed over now would be taken: when not, the sale writes it unclaimed, for
    /// the look in the database to find (decision 029).
    /// </summary>
    public bool HasRoom => Volatile.Read(ref handedCount) < HandedAtMost;

    /// <summary>
    /// A postback committed just now: the next round sends it without looking for it. Past
    /// <see cref="HandedAtMost"/> it is left to the database, where a claimed one is found once its claim has lapsed.
    /// </summary>
    /// <param name="claimedUntil">The claim the commit wrote on it for this node, or null.</param>
    public void Hand(long deliveryId, int shopId, int merchantId, DateTime? claimedUntil)
    {
        if (Interlocked.Increment(ref handedCount) > HandedAtMost)
        {
            Interlocked.Decrement(ref handedCount);
            Volatile.Write(ref database, 1);
        }
        else
        {
            handed.Enqueue(new HandedPostback(deliveryId, shopId, merchantId, claimedUntil));
        }

        Release();
    }

    /// <summary>Postbacks wait in the database (made due by staff, or not handed over).</summary>
    public void Wake()
    {
        Volatile.Write(ref database, 1);
        Release();
    }

    /// <summary>A delivery ended: one waiting for its slot may go now.</summary>
    public void SlotFreed() => Release();

    /// <summary>An e-mail or a refund (perhaps postbacks too) is waiting.</summary>
    public void WakeForEverything()
    {
        LookAtEverythingNextRound();
        Release();
    }

    /// <summary>The next round looks in the database for postbacks, e-mails and refunds (as the recurring sweep asks).</summary>
    public void LookAtEverythingNextRound()
    {
        Volatile.Write(ref database, 1);
        Volatile.Write(ref everything, 1);
    }

    public void Dispose() => signal.Dispose();

    public Task WaitAsync(CancellationToken cancellationToken) => signal.WaitAsync(cancellationToken);

    /// <summary>Whether e-mails and refunds were asked for since the last call (the sweep asks for them, too).</summary>
    public bool TakeEverything() => Interlocked.Exchange(ref everything, 0) == 1;

    /// <summary>Whether postbacks are to be looked for in the database since the last call.</summary>
    public bool TakeDatabase() => Interlocked.Exchange(ref database, 0) == 1;

    /// <summary>Moves the postbacks handed over since the last call to <paramref name="into"/>.</summary>
    public void TakeHanded(ICollection<HandedPostback> into)
    {
        while (handed.TryDequeue(out var postback))
        {
            Interlocked.Decrement(ref handedCount);
            into.Add(postback);
        }
    }

    private void Release()
    {
        // One pending wake-up covers every commit before it; the check saves most of the exceptions.
        if (signal.CurrentCount != 0)
        {
            return;
        }

        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken by another meanwhile.
        }
    }
}

/// <summary>
/// A postback's delivery, committed, with what its fair share is counted by, and the claim its commit
/// wrote for this node (null for one found in the database: the sender claims it first).
/// </summary>
public readonly record struct HandedPostback(long DeliveryId, int ShopId, int MerchantId, DateTime? ClaimedUntil);
