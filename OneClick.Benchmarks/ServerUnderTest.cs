using System.Diagnostics;
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
    private readonly IReadOnlyList<ServerProcess> processes;
    private bool disposed;

    protected ServerUnderTest(Process process, Uri baseAddress, string dataDirectory)
        : this([new ServerProcess(process)], [baseAddress], dataDirectory)
    {
    }

    /// <summary>A server of several nodes (processes), each on its own address; the figures are their sums.</summary>
    protected ServerUnderTest(IReadOnlyList<ServerProcess> processes, IReadOnlyList<Uri> baseAddresses, string dataDirectory)
    {
        this.processes = processes;
        BaseAddresses = baseAddresses;
        DataDirectory = dataDirectory;
    }

    /// <summary>How the report calls it: "gateway", "floor", or a gateway on PostgreSQL.</summary>
    public abstract string Name { get; }

    /// <summary>What the report's summary calls the run: the database and the nodes.</summary>
    public virtual string Setup => Name;

    /// <summary>The first node's address; <see cref="BaseAddresses"/> has every node's.</summary>
    public Uri BaseAddress => BaseAddresses[0];

    public IReadOnlyList<Uri> BaseAddresses { get; }

    public int Nodes => processes.Count;

    public string DataDirectory { get; }

    /// <summary>The first node's process: the meters and the GC mode are read there.</summary>
    public int ProcessId => processes[0].Id;

    public string ProcessIds => string.Join(", ", processes.Select(p => p.Id));

    /// <summary>The runtime settings the server was started with (the report's GC line reads its GC settings).</summary>
    public abstract string RuntimeConfigFile { get; }

    /// <summary>The approved sales in the server's database, read on a connection of the benchmark's own.</summary>
    public abstract Task<long> ApprovedSalesAsync(CancellationToken cancellationToken);

    /// <summary>Lines the server wrote (both log at Warning, so these are warnings and errors), every node's.</summary>
    public int LogLines => processes.Sum(p => p.LogLines);

    public IReadOnlyList<string> LastLogLines(int count) => processes.Count == 1
        ? processes[0].LastLogLines(count)
        : processes.SelectMany((p, i) => p.LastLogLines(count).Select(line => $"node {i + 1}: {line}")).TakeLast(count).ToList();

    /// <summary>The largest resident set seen by sampling every 250 ms (each node's, added).</summary>
    public long PeakSampledRssKb => processes.Sum(p => p.PeakSampledRssKb);

    /// <summary>The kernel's own high-water mark of the resident set (VmHWM), each node's added.</summary>
    public long? HighWaterMarkKb => Sum(p => p.HighWaterMarkKb);

    public long? CurrentRssKb => Sum(p => p.CurrentRssKb);

    /// <summary>Operating-system threads of the server (the thread pool grows when its threads block).</summary>
    public long? Threads => Sum(p => p.Threads);

    /// <summary>CPU time (user and system) the server's processes have used so far.</summary>
    public TimeSpan CpuTime => processes.Aggregate(TimeSpan.Zero, (total, p) => total + p.CpuTime);

    /// <summary>CPU time of the database server's processes so far, where the database is a server of its own on these cores; else null.</summary>
    public virtual TimeSpan? DatabaseCpuTime => null;

    /// <summary>The database server's durability settings, where it is a server of its own; else null.</summary>
    public virtual string? DatabaseDurability => null;

    /// <summary>Several nodes keep each buyer's requests on one node (a balancer's sticky sessions), instead of sending each request to the next node.</summary>
    public bool StickyBuyers { get; init; }

    /// <summary>
    /// The handler the load generator sends through: as it is for one node; for several, each request
    /// goes to the next node in turn, as a round-robin balancer would send it, or, with
    /// <see cref="StickyBuyers"/>, each buyer's requests to one node.
    /// </summary>
    public HttpMessageHandler Spread(HttpMessageHandler handler) =>
        BaseAddresses.Count == 1 ? handler : new RoundRobin(BaseAddresses, StickyBuyers) { InnerHandler = handler };

    private long? Sum(Func<ServerProcess, long?> figure)
    {
        var values = processes.Select(figure).ToList();
        return values.Any(v => v is null) ? null : values.Sum();
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

    /// <summary>A loopback port free a moment ago, for a server of the benchmark's (the collector's metrics port too).</summary>
    internal static int FreePort()
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

    /// <summary>Waits until <paramref name="readyPath"/> answers 200 on every node; the server is stopped when one does not.</summary>
    protected async Task WaitUntilReadyAsync(string readyPath, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(BaseAddresses.Select((address, i) => PollUntilReadyAsync(processes[i], address, readyPath, cancellationToken)));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task PollUntilReadyAsync(ServerProcess process, Uri address, string readyPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {Name} on {address} exited with code {process.ExitCode} while starting:\n{string.Join('\n', process.LastLogLines(30))}");
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

        throw new TimeoutException($"The {Name} on {address} did not answer {readyPath} within 60 s:\n{string.Join('\n', process.LastLogLines(30))}");
    }

    /// <summary>Stops every node, then deletes the data folder; what else the server owns goes after (<see cref="DisposeMoreAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        // A server that failed to start is stopped at once, and again by the caller's using.
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {DataDirectory}: {ex.Message}");
        }

        await DisposeMoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>What the server owns besides its processes and folder (a PostgreSQL database), once they are gone.</summary>
    protected virtual ValueTask DisposeMoreAsync() => ValueTask.CompletedTask;

    /// <summary>Sends each request to the next node in turn (a buyer's requests alternate between the nodes), or each buyer's to a node of its own.</summary>
    private sealed class RoundRobin(IReadOnlyList<Uri> nodes, bool byBuyer) : DelegatingHandler
    {
        private int next = -1;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } uri && nodes.Any(n => n.Authority == uri.Authority))
            {
                var turn = byBuyer && request.Options.TryGetValue(BenchBuyer.Sender, out var buyer) ? buyer : Interlocked.Increment(ref next);
                var node = nodes[(int)((uint)turn % (uint)nodes.Count)];
                request.RequestUri = new UriBuilder(uri) { Host = node.Host, Port = node.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
