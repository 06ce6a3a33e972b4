using Microsoft.Extensions.DependencyInjection;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// The gateway's write gate held by the test, so that racing writers all read before any of them
/// writes: they then write one after the other, and only the rows' guards can stop those that come after.
/// </summary>
public sealed class HeldGate : IAsyncDisposable
{
    private readonly AsyncServiceScope scope;
    private readonly WriteGate gate;
    private WriteTurn? turn;

    private HeldGate(AsyncServiceScope scope, WriteGate gate)
    {
        this.scope = scope;
        this.gate = gate;
    }

    public static async Task<HeldGate> TakeAsync(GatewayFactory gateway)
    {
        var held = new HeldGate(gateway.Services.CreateAsyncScope(), gateway.Services.GetRequiredService<WriteGate>());
        held.turn = await held.gate.BeginAsync(held.scope.ServiceProvider.GetRequiredService<OneClickDbContext>(), CancellationToken.None);
        return held;
    }

    /// <summary>Waits until <paramref name="writers"/> more turns wait behind the held one (they have read what they decide on).</summary>
    public async Task UntilQueuedAsync(int writers)
    {
        var since = System.Diagnostics.Stopwatch.StartNew();
        while (gate.Queued < writers + 1)
        {
            if (since.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{gate.Queued - 1} of {writers} writers reached the gate");
            }

            await Task.Yield();
        }
    }

    /// <summary>Lets the waiting writers go, one after the other.</summary>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref turn, null) is { } held)
        {
            await held.CommitAsync(CancellationToken.None);
            await held.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await scope.DisposeAsync();
    }
}
