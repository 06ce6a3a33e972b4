namespace OneClick.Web.Persistence;

/// <summary>
/// Wakes the outbox dispatcher as soon as something was committed to the outbox, so that a postback
/// leaves within a second of its sale; the periodic sweep is only the fallback. A wake-up for
/// postbacks alone (every approved sale, every finished delivery) does not look for e-mails and
/// refunds: that costs two queries a round and is needed only when one was booked.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private int everything = 1; // the first round looks at everything

    /// <summary>Postbacks are waiting.</summary>
    public void Wake() => Release();

    /// <summary>An e-mail or a refund (perhaps postbacks too) is waiting.</summary>
    public void WakeForEverything()
    {
        LookAtEverythingNextRound();
        Release();
    }

    /// <summary>The next round looks for e-mails and refunds as well (the periodic sweep).</summary>
    public void LookAtEverythingNextRound() => Volatile.Write(ref everything, 1);

    public void Dispose() => signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Whether e-mails and refunds were asked for since the last call (the sweep asks for them, too).</summary>
    public bool TakeEverything() => Interlocked.Exchange(ref everything, 0) == 1;

    private void Release()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: one pending wake-up covers every commit before it.
        }
    }
}
