using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OneClick.Benchmarks;

/// <summary>
/// A server the benchmark measures, as its own process on a fresh data folder: the gateway or the
/// floor. Both are measured the same way (CPU time, resident set, threads, log lines), which is why
/// the floor is a process of its own and not a server inside the load generator.
/// </summary>
public abstract class ServerUnderTest : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampling;
    private long peakRssKb;
    private int logLines;
    private bool disposed;

    protected ServerUnderTest(Process process, Uri baseAddress, string dataDirectory)
    {
        this.process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        sampling = SampleMemoryAsync(stopSampling.Token);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>How the report calls it: "gateway" or "floor".</summary>
    public abstract string Name { get; }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public int ProcessId => process.Id;

    /// <summary>The runtime settings the server was started with (the report's GC line reads its GC settings).</summary>
    public abstract string RuntimeConfigFile { get; }

    /// <summary>The approved sales in the server's database, read on a connection of the benchmark's own.</summary>
    public abstract Task<long> ApprovedSalesAsync(CancellationToken cancellationToken);

    /// <summary>Lines the server wrote (both log at Warning, so these are warnings and errors).</summary>
    public int LogLines => Volatile.Read(ref logLines);

    public IReadOnlyList<string> LastLogLines(int count) => log.ToArray().TakeLast(count).ToList();

    /// <summary>The largest resident set seen by sampling every 250 ms.</summary>
    public long PeakSampledRssKb => Interlocked.Read(ref peakRssKb);

    /// <summary>The kernel's own high-water mark of the resident set (VmHWM).</summary>
    public long? HighWaterMarkKb => ReadStatus("VmHWM:");

    public long? CurrentRssKb => ReadStatus("VmRSS:");

    /// <summary>Operating-system threads of the server (the thread pool grows when its threads block).</summary>
    public long? Threads => ReadStatus("Threads:");

    /// <summary>CPU time (user and system) the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary><c>dotnet exec</c> of a dll built next to this program, with its own output read by the caller.</summary>
    protected static ProcessStartInfo DotnetExec(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("exec");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Fails early, with what to do, when the build did not put a file the server needs next to this program.</summary>
    protected static void RequireBuilt(params string[] files)
    {
        foreach (var required in files)
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"{required} is missing: build OneClick.Benchmarks, which copies the gateway next to itself.", required);
            }
        }
    }

    protected static string NewDataDirectory(string prefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    protected static Uri LoopbackAddress(int port) => new($"http://127.0.0.1:{port}");

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A SQL count on the server's database file, opened read-only next to the running server.</summary>
    protected static async Task<long> CountAsync(string databaseFile, string countSql, CancellationToken cancellationToken)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(source.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = countSql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Waits until <paramref name="readyPath"/> answers 200; the server is stopped when it does not.</summary>
    protected async Task WaitUntilReadyAsync(string readyPath, CancellationToken cancellationToken)
    {
        try
        {
            await PollUntilReadyAsync(readyPath, cancellationToken);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task PollUntilReadyAsync(string readyPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {Name} exited with code {process.ExitCode} while starting:\n{string.Join('\n', LastLogLines(30))}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(readyPath, UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not answering yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The {Name} did not answer {readyPath} within 60 s:\n{string.Join('\n', LastLogLines(30))}");
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
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
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
        catch (InvalidOperationException)
        {
            // Disposed already (a failed start is stopped at once).
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
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {DataDirectory}: {ex.Message}");
        }

        GC.SuppressFinalize(this);
    }
}
