using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OneClick.Benchmarks;

/// <summary>
/// The gateway as its own process: the OneClick.Web.dll built next to this program (same
/// configuration, Release under <c>dotnet run -c Release</c>), on a fresh data folder, in Production.
/// </summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    public const int ShopId = 64233;

    /// <summary>30 characters, as the protocol's keys are.</summary>
    public const string SignatureKey = "BenchKey0123456789abcdefghijkl";

    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampling;
    private long peakRssKb;
    private int logLines;

    private GatewayUnderTest(Process process, Uri baseAddress, string dataDirectory)
    {
        this.process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        sampling = SampleMemoryAsync(stopSampling.Token);
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    /// <summary>The approved sales in the gateway's database, read on a connection of the benchmark's own.</summary>
    public async Task<long> ApprovedSalesAsync(CancellationToken cancellationToken)
    {
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, "oneclick.db"),
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(source.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Sales WHERE Result = 'Approved'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public int ProcessId => process.Id;

    /// <summary>Lines the gateway wrote (its log level is Warning, so these are warnings and errors).</summary>
    public int LogLines => Volatile.Read(ref logLines);

    public IEnumerable<string> LastLogLines(int count) => log.ToArray().TakeLast(count);

    /// <summary>The largest resident set seen by sampling every 250 ms.</summary>
    public long PeakSampledRssKb => Interlocked.Read(ref peakRssKb);

    /// <summary>The kernel's own high-water mark of the resident set (VmHWM).</summary>
    public long? HighWaterMarkKb => ReadStatusKb("VmHWM:");

    public long? CurrentRssKb => ReadStatusKb("VmRSS:");

    /// <summary>Operating-system threads of the gateway (the thread pool grows when its threads block).</summary>
    public long? Threads => ReadStatus("Threads:");

    /// <summary>CPU time (user and system) the gateway has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<GatewayUnderTest> StartAsync(Uri merchant, IReadOnlyDictionary<string, string> extraSettings, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OneClick.Web.dll");
        foreach (var required in new[] { dll, Path.ChangeExtension(dll, ".runtimeconfig.json"), Path.ChangeExtension(dll, ".deps.json") })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"{required} is missing: build OneClick.Benchmarks, which copies the gateway next to itself.", required);
            }
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "oneclick-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OneClick__DataDirectory"] = dataDirectory,
            ["OneClick__Seed__ShopId"] = ShopId.ToString(CultureInfo.InvariantCulture),
            ["OneClick__Seed__SignatureKey"] = SignatureKey,
            ["OneClick__Seed__OneClickEnabled"] = "true",
            ["OneClick__Seed__WebsiteUrl"] = new Uri(merchant, "/").ToString(),
            ["OneClick__Seed__SuccessUrl"] = new Uri(merchant, "/ok").ToString(),
            ["OneClick__Seed__PostbackUrl"] = new Uri(merchant, "/postback").ToString(),
            ["OneClick__Seed__AllowedRedirectHosts__0"] = "127.0.0.1",
            ["OneClick__RateLimits__StartOrderPerMinute"] = "100000000",
            ["OneClick__RateLimits__PaymentPerMinute"] = "100000000",
            ["OneClick__RateLimits__StartOrderPerShopPerMinute"] = "100000000",
            ["OneClick__RateLimits__ApiPerMinute"] = "100000000",
            ["OneClick__RateLimits__ApiPerShopPerMinute"] = "100000000",
            ["OneClick__RateLimits__UnknownTokensPerHour"] = "100000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extraSettings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var gateway = new GatewayUnderTest(process, baseAddress, dataDirectory);
        process.OutputDataReceived += (_, e) => gateway.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {process.ExitCode} while starting:\n{string.Join('\n', LastLogLines(30))}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
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

        throw new TimeoutException($"The gateway did not answer /health/ready within 60 s:\n{string.Join('\n', LastLogLines(30))}");
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

    private long? ReadStatusKb(string field) => ReadStatus(field);

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

        return null;
    }

    public async ValueTask DisposeAsync()
    {
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
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
