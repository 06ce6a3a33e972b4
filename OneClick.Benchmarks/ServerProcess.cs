using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace OneClick.Benchmarks;

/// <summary>
/// One process of a server under test: its log lines (read as they come) and what the kernel says of
/// it (CPU time, resident set sampled every 250 ms and its high-water mark, threads).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampling;
    private long peakRssKb;
    private int logLines;
    private bool disposed;

    public ServerProcess(Process process)
    {
        this.process = process;
        Id = process.Id;
        sampling = SampleMemoryAsync(stopSampling.Token);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public int LogLines => Volatile.Read(ref logLines);

    public IReadOnlyList<string> LastLogLines(int count) => log.ToArray().TakeLast(count).ToList();

    public long PeakSampledRssKb => Interlocked.Read(ref peakRssKb);

    public long? HighWaterMarkKb => ReadStatus("VmHWM:");

    public long? CurrentRssKb => ReadStatus("VmRSS:");

    public long? Threads => ReadStatus("Threads:");

    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref logLines);
        log.Enqueue(line);
        while (log.Count > 200 && log.TryDequeue(out _))
        {
        }
    }

    private async Task SampleMemoryAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            do
            {
                if (CurrentRssKb is { } rss && rss > Interlocked.Read(ref peakRssKb))
                {
                    Interlocked.Exchange(ref peakRssKb, rss);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private long? ReadStatus(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var digits = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process has gone, or this is not Linux.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        // A server that failed to start is stopped at once, and again by the caller's using.
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stopSampling.CancelAsync();
        await sampling;
        stopSampling.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
    }
}
