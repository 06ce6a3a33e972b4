using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OneClick.Web.Persistence;

/// <summary>
/// How long the <see cref="WriteGate"/> is held, and, in a sample of turns on Linux, how much of it
/// the holding thread spends on the CPU: the turns run one at a time, so these bound the throughput
/// (decision 023). Only the holder calls it, between taking the gate and giving it back.
/// </summary>
internal sealed class GateHoldTime
{
    /// <summary>
    /// One turn in this many has its holder's CPU time read: the thread CPU clock is a system call,
    /// and two in every turn cost a few percent of the gate's time. Prime, so that the sample does not
    /// fall in step with a purchase's four turns or a commit's sixteen.
    /// </summary>
    private const int CpuSampleEvery = 17;

    private long heldSince;
    private long heldTicks;
    private long? cpuSince;
    private int holder;
    private long cpuNanoseconds;
    private long cpuTurns;
    private long taken;

    public GateHoldTime(Meter meter)
    {
        meter.CreateObservableCounter("oneclick.write.held", () => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref heldTicks)).TotalSeconds, "s", "Time the write gate was held by a turn, its commit included.");
        meter.CreateObservableCounter("oneclick.write.held.cpu", () => Interlocked.Read(ref cpuNanoseconds) / 1e9, "s", "CPU time of the threads holding the write gate while they held it, in the sampled turns (Linux only; one turn in 17, and not one that ends on another thread than it began).");
        meter.CreateObservableCounter("oneclick.write.held.cpu.turns", () => Interlocked.Read(ref cpuTurns), "{turn}", "Turns whose holder's CPU time oneclick.write.held.cpu counts.");
    }

    /// <summary>The gate was just taken.</summary>
    public void Taken()
    {
        heldSince = Stopwatch.GetTimestamp();
        cpuSince = ++taken % CpuSampleEvery == 0 ? ThreadCpuClock.Now() : null;
        holder = Environment.CurrentManagedThreadId;
    }

    /// <summary>The gate is about to be given back.</summary>
    public void Released()
    {
        Interlocked.Add(ref heldTicks, Stopwatch.GetTimestamp() - heldSince);
        if (cpuSince is { } since && holder == Environment.CurrentManagedThreadId && ThreadCpuClock.Now() is { } now)
        {
            Interlocked.Add(ref cpuNanoseconds, now - since);
            Interlocked.Increment(ref cpuTurns);
        }
    }
}
