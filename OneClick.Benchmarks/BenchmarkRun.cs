using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace OneClick.Benchmarks;

/// <summary>
/// One run against one server, the gateway or the floor: seed the buyers (not measured), warm up,
/// measure instant one-click purchases for a fixed time, wait for the merchant to have every
/// postback, and count the approved sales in the server's database. Both servers go through this
/// same method, so that their figures differ only by the server.
/// </summary>
internal static class BenchmarkRun
{
    private static readonly TimeSpan PostbackPatience = TimeSpan.FromSeconds(60);

    /// <summary>How a buyer gets its remembered card and first token on this server.</summary>
    public delegate Task<PurchaseResult> BuyerSeeding(BenchBuyer buyer, HttpClient http, CancellationToken cancellationToken);

    public static async Task<RunFigures> RunAsync(
        ServerUnderTest server, PostbackMerchant merchant, BenchmarkOptions options, BuyerSeeding seed, bool expectPostbacks, TextWriter progress, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false, // each buyer keeps its own (BenchBuyer)
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = int.MaxValue,
        };
        using var http = new HttpClient(server.Spread(handler)) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var approvals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var say = (string line) => progress.WriteLine($"[{server.Name}] {line}");

        // 1. Seeding: every buyer gets a remembered card and a token. Not measured.
        var seeding = Stopwatch.StartNew();
        var buyers = Enumerable.Range(1, options.Buyers).Select(n => new BenchBuyer(n)).ToList();
        var seedFailures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Concurrency, 16), CancellationToken = cancellationToken }, async (buyer, ct) =>
        {
            PurchaseResult result;
            try
            {
                result = await seed(buyer, http, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = PurchaseResult.Failed(ex.GetType().Name);
            }

            if (!result.Approved)
            {
                seedFailures.AddOrUpdate(result.Failure!, 1, (_, n) => n + 1);
            }
            else if (result.SaleId is { } saleId)
            {
                // A seeding sale is a sale like any other: its postback is awaited and it is in the database.
                approvals[saleId] = Stopwatch.GetTimestamp();
            }
        });
        var seedTime = seeding.Elapsed;
        var seeded = buyers.Where(b => b.HasRememberedCard).ToList();
        say($"Seeded {seeded.Count} of {options.Buyers} buyers in {seedTime.TotalSeconds:0.0} s.");
        if (!seedFailures.IsEmpty)
        {
            say("Seeding failures: " + BenchmarkReport.Describe(seedFailures));
        }

        if (seeded.Count < options.Concurrency)
        {
            throw new RunAbortedException(server.Name, $"Too few buyers could be seeded on the {server.Name} for {options.Concurrency} workers.", server.LastLogLines(20));
        }

        var pool = Channel.CreateUnbounded<BenchBuyer>();
        foreach (var buyer in seeded)
        {
            pool.Writer.TryWrite(buyer);
        }

        // The server's meters, read from before the warm-up so that their first values are in when the phase starts.
        // A server that cannot be read is still measured: its GC and commit lines say n/a and why.
        await using var counters = ServerCounters.TryStart(server.ProcessId, out var countersFailure);

        // 2. Warm-up (JIT, tiered compilation, connections), then the measured phase.
        if (options.WarmupSeconds > 0)
        {
            var warmup = await RunPhaseAsync(http, pool, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), approvals, cancellationToken);
            say($"Warm-up: {warmup.Approved} approved, {warmup.Failures.Values.Sum()} failed in {warmup.Elapsed.TotalSeconds:0.0} s.");
        }

        var cpuBefore = server.CpuTime;
        var databaseCpuBefore = server.DatabaseCpuTime;
        var selfCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var rssBefore = server.CurrentRssKb;
        var logLinesBefore = server.LogLines;
        say($"Measuring for {options.DurationSeconds} s with {options.Concurrency} workers...");
        var phaseStarted = TimeProvider.System.GetUtcNow().UtcDateTime;
        var measured = await RunPhaseAsync(http, pool, options.Concurrency, TimeSpan.FromSeconds(options.DurationSeconds), approvals, cancellationToken);
        var phaseEndedAt = TimeProvider.System.GetUtcNow().UtcDateTime;
        var serverCpu = server.CpuTime - cpuBefore;
        var databaseCpu = server.DatabaseCpuTime - databaseCpuBefore;
        var threads = server.Threads;
        var gcMode = GcMode.Describe(server.ProcessId, server.RuntimeConfigFile);
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfCpuBefore;

        // 3. Postbacks: every approved sale of the whole run (seeding and warm-up included) must reach the merchant.
        var phaseEnded = Stopwatch.StartNew();
        while (expectPostbacks && approvals.Keys.Any(s => !merchant.Received(s)) && phaseEnded.Elapsed < PostbackPatience)
        {
            await Task.Delay(50, cancellationToken);
        }

        var postbackWait = phaseEnded.Elapsed;

        // Read after the postback wait, which the counters' last values (a second or so after the phase) must not lengthen.
        var phaseCounters = counters is null ? PhaseCounters.Unavailable(countersFailure) : await counters.ReadAsync(phaseStarted, phaseEndedAt, cancellationToken);
        var approvedInDatabase = await server.ApprovedSalesAsync(cancellationToken);
        var lags = measured.SaleIds
            .Select(s => merchant.ArrivedAt(s) is { } at ? Stopwatch.GetElapsedTime(approvals[s], at).TotalMilliseconds : (double?)null)
            .OfType<double>().ToArray();
        var logLinesMeasured = server.LogLines - logLinesBefore;
        return new RunFigures
        {
            Server = server.Name,
            Setup = server.Setup,
            DatabaseDurability = server.DatabaseDurability,
            SeededBuyers = seeded.Count,
            SeedTime = seedTime,
            SeedFailures = seedFailures,
            Measured = measured,
            Nodes = server.Nodes,
            ServerCpu = serverCpu,
            DatabaseCpu = databaseCpu,
            SelfCpu = selfCpu,
            Threads = threads,
            RssBeforeKb = rssBefore,
            HighWaterMarkKb = server.HighWaterMarkKb,
            PeakSampledRssKb = server.PeakSampledRssKb,
            GcMode = gcMode,
            Counters = phaseCounters,
            ExpectPostbacks = expectPostbacks,
            PostbackWait = postbackWait,
            PostbackPatience = PostbackPatience,
            MeasuredDelivered = measured.SaleIds.Count(merchant.Received),
            AllDelivered = approvals.Keys.Count(merchant.Received),
            Approvals = approvals.Count,
            PostbackLagsMs = lags,
            MerchantPostbacks = merchant.Postbacks,
            MerchantDistinctSales = merchant.DistinctSales,
            MerchantUnverified = merchant.Unverified,
            ApprovedInDatabase = approvedInDatabase,
            LogLinesBefore = logLinesBefore,
            LogLinesMeasured = logLinesMeasured,
            LastLogLines = !measured.Failures.IsEmpty || logLinesMeasured > 0 ? server.LastLogLines(20) : [],
        };
    }

    private static async Task<PhaseResult> RunPhaseAsync(
        HttpClient http, Channel<BenchBuyer> pool, int concurrency, TimeSpan duration, ConcurrentDictionary<string, long> approvals, CancellationToken cancellationToken)
    {
        var result = new PhaseResult();
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ends.CancelAfter(duration);
        var started = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var purchase = new List<double>();
            var startOrder = new List<double>();
            while (!ends.IsCancellationRequested)
            {
                BenchBuyer buyer;
                try
                {
                    buyer = await pool.Reader.ReadAsync(ends.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                PurchaseResult outcome;
                try
                {
                    // A purchase that has begun is finished even when the time is up: it counts.
                    outcome = await buyer.OneClickAsync(http, cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    outcome = PurchaseResult.Failed(ex.GetType().Name);
                }

                if (outcome.Approved)
                {
                    approvals[outcome.SaleId!] = outcome.StartOrderAnsweredAt;
                    result.SaleIds.Add(outcome.SaleId!);
                    purchase.Add(Stopwatch.GetElapsedTime(outcome.StartedAt, outcome.FinishedAt).TotalMilliseconds);
                    startOrder.Add(Stopwatch.GetElapsedTime(outcome.StartedAt, outcome.StartOrderAnsweredAt).TotalMilliseconds);
                    pool.Writer.TryWrite(buyer);
                }
                else
                {
                    // Its token is spent or refused: this buyer would only fall back to the order page from now on.
                    result.Failures.AddOrUpdate(outcome.Failure!, 1, (_, n) => n + 1);
                }
            }

            lock (result)
            {
                result.PurchaseMs.AddRange(purchase);
                result.StartOrderMs.AddRange(startOrder);
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        result.Elapsed = started.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }
}

/// <summary>What one timed phase of purchases gave.</summary>
internal sealed class PhaseResult
{
    public List<double> PurchaseMs { get; } = [];

    public List<double> StartOrderMs { get; } = [];

    public ConcurrentBag<string> SaleIds { get; } = [];

    public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public int Approved => PurchaseMs.Count;

    public TimeSpan Elapsed { get; set; }
}

/// <summary>A run that cannot be measured (too few buyers seeded), with the server's last log lines.</summary>
internal sealed class RunAbortedException(string server, string message, IReadOnlyList<string> lastLogLines) : Exception(message)
{
    public string Server { get; } = server;

    public IReadOnlyList<string> LastLogLines { get; } = lastLogLines;
}
