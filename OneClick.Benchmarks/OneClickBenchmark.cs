using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace OneClick.Benchmarks;

/// <summary>
/// Seeds buyers with a remembered card and a token (not measured), then has workers fire instant
/// one-click purchases for a fixed time, then waits for the merchant to have every postback.
/// </summary>
public static class OneClickBenchmark
{
    private static readonly TimeSpan PostbackPatience = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // Before anything of ours runs: other work on these same cores skews every figure.
        var load = LoadAverage();
        await using var merchant = await PostbackMerchant.StartAsync();
        output.WriteLine($"Merchant (postbacks) on {merchant.BaseAddress}; starting the gateway...");
        await using var gateway = await GatewayUnderTest.StartAsync(merchant.BaseAddress, options.GatewaySettings, cancellationToken);
        output.WriteLine($"Gateway on {gateway.BaseAddress} (pid {gateway.ProcessId}, data in {gateway.DataDirectory}).");

        using var handler = new SocketsHttpHandler
        {
            UseCookies = false, // each buyer keeps its own (BenchBuyer)
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = int.MaxValue,
        };
        using var http = new HttpClient(handler) { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var approvals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);

        // 1. Seeding: one full purchase per buyer, "Remember my card" ticked. Not measured.
        var seeding = Stopwatch.StartNew();
        var buyers = Enumerable.Range(1, options.Buyers).Select(n => new BenchBuyer(n)).ToList();
        var seedFailures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Concurrency, 16), CancellationToken = cancellationToken }, async (buyer, ct) =>
        {
            PurchaseResult result;
            try
            {
                result = await buyer.SeedAsync(http, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = PurchaseResult.Failed(ex.GetType().Name);
            }

            if (result.Approved)
            {
                approvals[result.SaleId!] = Stopwatch.GetTimestamp();
            }
            else
            {
                seedFailures.AddOrUpdate(result.Failure!, 1, (_, n) => n + 1);
            }
        });
        var seedTime = seeding.Elapsed;
        var seeded = buyers.Where(b => b.HasRememberedCard).ToList();
        output.WriteLine($"Seeded {seeded.Count} of {options.Buyers} buyers in {seedTime.TotalSeconds:0.0} s.");
        if (!seedFailures.IsEmpty)
        {
            output.WriteLine("Seeding failures: " + Describe(seedFailures));
        }

        if (seeded.Count < options.Concurrency)
        {
            output.WriteLine($"Too few buyers could be seeded for {options.Concurrency} workers.");
            PrintGatewayLog(output, gateway);
            return 1;
        }

        var pool = Channel.CreateUnbounded<BenchBuyer>();
        foreach (var buyer in seeded)
        {
            pool.Writer.TryWrite(buyer);
        }

        // 2. Warm-up (JIT, tiered compilation, connections), then the measured phase.
        if (options.WarmupSeconds > 0)
        {
            var warmup = await RunPhaseAsync(http, pool, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), approvals, cancellationToken);
            output.WriteLine($"Warm-up: {warmup.Approved} approved, {warmup.Failures.Values.Sum()} failed in {warmup.Elapsed.TotalSeconds:0.0} s.");
        }

        var cpuBefore = gateway.CpuTime;
        var selfCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var rssBefore = gateway.CurrentRssKb;
        var logLinesBefore = gateway.LogLines;
        output.WriteLine($"Measuring for {options.DurationSeconds} s with {options.Concurrency} workers...");
        var measured = await RunPhaseAsync(http, pool, options.Concurrency, TimeSpan.FromSeconds(options.DurationSeconds), approvals, cancellationToken);
        var gatewayCpu = gateway.CpuTime - cpuBefore;
        var threads = gateway.Threads;
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfCpuBefore;

        // 3. Postbacks: every approved sale of the whole run (seeding and warm-up included) must reach the merchant.
        // (Unless the run switched them off with --set OneClick__Seed__PostbackUrl= to see what they cost.)
        var expectPostbacks = !(options.GatewaySettings.TryGetValue("OneClick__Seed__PostbackUrl", out var postbackUrl) && postbackUrl.Length == 0);
        var phaseEnded = Stopwatch.StartNew();
        while (expectPostbacks && approvals.Keys.Any(s => !merchant.Received(s)) && phaseEnded.Elapsed < PostbackPatience)
        {
            await Task.Delay(50, cancellationToken);
        }

        var postbackWait = phaseEnded.Elapsed;
        var approvedInDatabase = await gateway.ApprovedSalesAsync(cancellationToken);
        var measuredDelivered = measured.SaleIds.Count(merchant.Received);
        var allDelivered = approvals.Keys.Count(merchant.Received);
        var lags = measured.SaleIds
            .Select(s => merchant.ArrivedAt(s) is { } at ? Stopwatch.GetElapsedTime(approvals[s], at).TotalMilliseconds : (double?)null)
            .OfType<double>().ToArray();
        Array.Sort(lags);

        // 4. The report.
        var rule = new string('-', 72);
        output.WriteLine();
        output.WriteLine(rule);
        output.WriteLine("OneClick instant one-click benchmark");
        output.WriteLine(rule);
        output.WriteLine($"machine            {Environment.ProcessorCount} cores, {CpuModel()}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"load average       {load} (1, 5, 15 min) before the benchmark started");
        output.WriteLine($"build              {BuildConfiguration}; gateway Production, SQLite, sandbox acquirer, loopback HTTP");
        if (options.GatewaySettings.Count > 0)
        {
            output.WriteLine($"gateway settings   {string.Join(", ", options.GatewaySettings.Select(s => $"{s.Key}={s.Value}"))}");
        }

        output.WriteLine($"buyers             {seeded.Count} seeded of {options.Buyers} asked ({seedTime.TotalSeconds:0.0} s, not measured)");
        output.WriteLine($"concurrency        {options.Concurrency}");
        output.WriteLine($"duration           {options.DurationSeconds} s measured ({measured.Elapsed.TotalSeconds:0.00} s until the last purchase ended), after {options.WarmupSeconds} s warm-up");
        output.WriteLine($"approved           {measured.Approved}");
        output.WriteLine($"failures           {measured.Failures.Values.Sum()}{(measured.Failures.IsEmpty ? "" : "  (" + Describe(measured.Failures) + ")")}");
        output.WriteLine($"throughput         {measured.Approved / measured.Elapsed.TotalSeconds:0.0} approved purchases/s");
        output.WriteLine($"latency (ms)          p50      p95      p99      max");
        output.WriteLine($"  purchase         {Percentiles(measured.PurchaseMs)}   (startorder 303 + approval page)");
        output.WriteLine($"  startorder       {Percentiles(measured.StartOrderMs)}   (charged within this request)");
        output.WriteLine($"gateway memory     peak RSS {Mb(gateway.HighWaterMarkKb)} (VmHWM); max sampled every 250 ms {Mb(gateway.PeakSampledRssKb)}; {Mb(rssBefore)} before the measured phase");
        output.WriteLine($"gateway threads    {threads?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} at the end of the measured phase");
        output.WriteLine($"gateway CPU        {gatewayCpu.TotalSeconds:0.0} s in {measured.Elapsed.TotalSeconds:0.0} s ({gatewayCpu / measured.Elapsed:0.00} cores), {PerPurchase(gatewayCpu, measured.Approved)} per approved purchase");
        output.WriteLine($"benchmark CPU      {selfCpu.TotalSeconds:0.0} s ({selfCpu / measured.Elapsed:0.00} cores) for the load generator and the merchant, on the same cores");
        if (!expectPostbacks)
        {
            output.WriteLine($"postbacks          off for this run (no postback URL); the merchant got {merchant.Postbacks}");
        }
        else
        {
            output.WriteLine($"postbacks          {measuredDelivered} / {measured.SaleIds.Count} delivered for the measured sales; {allDelivered} / {approvals.Count} for the whole run; "
            + (allDelivered == approvals.Count ? $"all in within {postbackWait.TotalSeconds:0.00} s after the phase" : $"still missing after {PostbackPatience.TotalSeconds:0} s"));
            output.WriteLine($"postback lag (ms)  {Percentiles(lags)}   (from the startorder answer to the merchant's first postback)");
        }

        output.WriteLine($"merchant           {merchant.Postbacks} postback requests, {merchant.DistinctSales} distinct saleIDs, {merchant.Unverified} whose signatures did not verify");
        output.WriteLine($"database           {approvedInDatabase} approved sales; the benchmark saw {approvals.Count} approvals with a verified success URL, each a distinct saleID"
            + (approvedInDatabase == approvals.Count ? "" : "  MISMATCH"));
        var logLines = gateway.LogLines - logLinesBefore;
        output.WriteLine($"gateway log        {logLines} lines at Warning or above from the measured phase on ({logLinesBefore} before: start-up warnings)");
        output.WriteLine(rule);
        if (!measured.Failures.IsEmpty || logLines > 0)
        {
            PrintGatewayLog(output, gateway);
        }

        // The run fails on anything it cannot vouch for: a failed purchase, an approval the database
        // does not hold (or one it holds that no buyer saw), a missing, repeated or unverified postback.
        var problems = new List<string>();
        if (measured.Approved == 0)
        {
            problems.Add("no purchase was approved");
        }

        if (!measured.Failures.IsEmpty)
        {
            problems.Add($"{measured.Failures.Values.Sum()} purchases failed");
        }

        if (approvedInDatabase != approvals.Count)
        {
            problems.Add($"the database holds {approvedInDatabase} approved sales, the buyers saw {approvals.Count}");
        }

        if (expectPostbacks && allDelivered != approvals.Count)
        {
            problems.Add($"{approvals.Count - allDelivered} approved sales have no postback");
        }

        if (merchant.Unverified > 0)
        {
            problems.Add($"{merchant.Unverified} postbacks did not verify");
        }

        if (merchant.Postbacks - merchant.Unverified > merchant.DistinctSales)
        {
            problems.Add($"{merchant.Postbacks - merchant.Unverified - merchant.DistinctSales} postbacks repeated a saleID");
        }

        output.WriteLine(problems.Count == 0 ? "verdict            passed: every count above is verified" : "verdict            FAILED: " + string.Join("; ", problems));
        return problems.Count == 0 ? 0 : 1;
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

    private sealed class PhaseResult
    {
        public List<double> PurchaseMs { get; } = [];

        public List<double> StartOrderMs { get; } = [];

        public ConcurrentBag<string> SaleIds { get; } = [];

        public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

        public int Approved => PurchaseMs.Count;

        public TimeSpan Elapsed { get; set; }
    }

    /// <summary>p50, p95, p99 and max by nearest rank, in milliseconds.</summary>
    private static string Percentiles(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return "     n/a      n/a      n/a      n/a";
        }

        var sorted = values.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{At(0.50),8:0.0} {At(0.95),8:0.0} {At(0.99),8:0.0} {sorted[^1],8:0.0}");
    }

    private static string Describe(ConcurrentDictionary<string, int> reasons) =>
        string.Join("; ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Value} × {r.Key}"));

    private static string Mb(long? kb) => kb is { } k ? string.Create(CultureInfo.InvariantCulture, $"{k / 1024.0:0} MB") : "n/a";

    private static string PerPurchase(TimeSpan cpu, int purchases) =>
        purchases == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMilliseconds / purchases:0.00} ms");

    private static void PrintGatewayLog(TextWriter output, GatewayUnderTest gateway)
    {
        output.WriteLine("Last lines of the gateway's log:");
        foreach (var line in gateway.LastLogLines(20))
        {
            output.WriteLine("  " + line);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

#if DEBUG
    private const string BuildConfiguration = "DEBUG build (figures mean little: run with -c Release)";
#else
    private const string BuildConfiguration = "Release";
#endif
}
