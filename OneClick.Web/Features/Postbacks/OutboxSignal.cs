namespace OneClick.Web.Features.Postbacks;

/// <summary>
/// Wakes the outbox dispatcher as soon as something was committed to the outbox, so that a postback
/// leaves within a second of its sale; the periodic sweep is only the fallback.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
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

    public void Dispose() => signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
