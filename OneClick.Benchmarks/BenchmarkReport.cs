using System.Collections.Concurrent;
using System.Globalization;
using OneClick.Benchmarks.Floor;

namespace OneClick.Benchmarks;

/// <summary>The printed report: one line a figure, the name padded to column 19, so that runs compare line by line.</summary>
internal static class BenchmarkReport
{
    public static readonly string Rule = new('-', 72);

    public static void PrintGateway(TextWriter output, BenchmarkOptions options, string loadAverage, (string Mode, string Source) durability, bool withFloor, RunFigures run)
    {
        output.WriteLine();
        output.WriteLine(Rule);
        output.WriteLine("OneClick instant one-click benchmark");
        output.WriteLine(Rule);
        output.WriteLine($"machine            {Environment.ProcessorCount} cores, {CpuModel()}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"load average       {loadAverage} (1, 5, 15 min) before the benchmark started");
        output.WriteLine($"build              {BuildConfiguration}; gateway Production, {run.Setup}, sandbox acquirer, loopback HTTP");
        output.WriteLine("durability         " + (run.DatabaseDurability ?? Durability(durability, withFloor)));
        if (options.GatewaySettings.Count > 0)
        {
            output.WriteLine($"gateway settings   {string.Join(", ", options.GatewaySettings.Select(s => $"{s.Key}={s.Value}"))}");
        }

        output.WriteLine($"concurrency        {options.Concurrency}");
        output.WriteLine($"duration           {options.DurationSeconds} s measured, after {options.WarmupSeconds} s warm-up");
        PrintBody(output, options, run);
    }

    /// <summary>A further run of the gateway (on PostgreSQL, one node or several), under the same load as the first.</summary>
    public static void PrintGatewayRun(TextWriter output, RunFigures run)
    {
        output.WriteLine($"OneClick on {run.Setup}");
        output.WriteLine(Rule);
        if (run.Nodes > 1)
        {
            output.WriteLine(run.Setup.EndsWith("sticky", StringComparison.Ordinal)
                ? "spread             each buyer's requests to one node (a balancer's sticky sessions)"
                : "spread             each request to the next node: a buyer's requests alternate between the nodes (round robin)");
        }

        output.WriteLine($"durability         {run.DatabaseDurability ?? "n/a"}");
        PrintBody(output, null, run);
    }

    /// <summary>
    /// The runs side by side: the figures issue 22 compares (SQLite against PostgreSQL with 1 and 2
    /// nodes), each from this one run of the benchmark on this one machine.
    /// </summary>
    /// <summary>Runs of the same load side by side under <paramref name="title"/>: the databases, or telemetry off and on.</summary>
    public static void PrintSideBySide(TextWriter output, string title, IReadOnlyList<RunFigures> runs)
    {
        output.WriteLine(title);
        output.WriteLine("  setup                             purchases/s  CPU per purchase: gateway + database  purchase p50 / p99 ms  write gate held");
        foreach (var run in runs)
        {
            var purchases = Math.Max(run.Measured.Approved, 1);
            var database = run.DatabaseCpu is { } cpu ? Invariant($"{cpu.TotalMilliseconds / purchases:0.00} ms") : "in-process";
            var sorted = run.Measured.PurchaseMs.Order().ToArray();
            double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            var held = run.Counters is { HeldSeconds: { } h } ? Invariant($"{h / run.Measured.Elapsed.TotalSeconds * 100:0}%") + (run.Nodes > 1 ? " (node 1)" : "") : "n/a";
            output.WriteLine(Invariant($"  {run.Setup,-33} {run.Throughput,11:0.0}  {PerPurchase(run.ServerCpu, run.Measured.Approved),9} + {database,-12}            {At(0.50),6:0} / {At(0.99),-6:0}         {held}"));
        }

        output.WriteLine(Rule);
    }

    private static void PrintBody(TextWriter output, BenchmarkOptions? options, RunFigures run)
    {
        var measured = run.Measured;
        var nodes = run.Nodes > 1 ? $" ({run.Nodes} nodes, added)" : "";
        var firstNode = run.Nodes > 1 ? $" (node 1 of {run.Nodes})" : "";
        output.WriteLine($"buyers             {run.SeededBuyers} seeded{(options is null ? "" : $" of {options.Buyers} asked")} ({run.SeedTime.TotalSeconds:0.0} s, not measured)");
        output.WriteLine($"measured           {measured.Elapsed.TotalSeconds:0.00} s until the last purchase ended");
        output.WriteLine($"approved           {measured.Approved}");
        output.WriteLine($"failures           {run.Failures}{(measured.Failures.IsEmpty ? "" : "  (" + Describe(measured.Failures) + ")")}");
        output.WriteLine($"throughput         {run.Throughput:0.0} approved purchases/s");
        output.WriteLine($"latency (ms)          p50      p95      p99      max");
        output.WriteLine($"  purchase         {Percentiles(measured.PurchaseMs)}   (startorder 303 + approval page)");
        output.WriteLine($"  startorder       {Percentiles(measured.StartOrderMs)}   (charged within this request)");
        output.WriteLine($"gateway memory     peak RSS {Mb(run.HighWaterMarkKb)} (VmHWM); max sampled every 250 ms {Mb(run.PeakSampledRssKb)}; {Mb(run.RssBeforeKb)} before the measured phase{nodes}");
        output.WriteLine($"gateway threads    {run.Threads?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} at the end of the measured phase{nodes}");
        output.WriteLine($"gateway CPU        {run.ServerCpu.TotalSeconds:0.0} s in {measured.Elapsed.TotalSeconds:0.0} s ({run.ServerCpu / measured.Elapsed:0.00} cores), {PerPurchase(run.ServerCpu, measured.Approved)} per approved purchase{nodes}");
        if (run.DatabaseCpu is { } databaseCpu)
        {
            output.WriteLine($"database CPU       {databaseCpu.TotalSeconds:0.0} s ({databaseCpu / measured.Elapsed:0.00} cores), {PerPurchase(databaseCpu, measured.Approved)} per approved purchase: the PostgreSQL server's processes, on the same cores");
        }

        output.WriteLine($"gateway GC mode    {run.GcMode}{firstNode}");
        output.WriteLine($"gateway GC         {Gc(run)}{firstNode}");
        output.WriteLine($"write commits      {Commits(run)}{firstNode}");
        output.WriteLine($"write gate held    {Held(run)}{firstNode}");
        output.WriteLine($"benchmark CPU      {run.SelfCpu.TotalSeconds:0.0} s ({run.SelfCpu / measured.Elapsed:0.00} cores) for the load generator and the merchant, on the same cores");
        if (!run.ExpectPostbacks)
        {
            output.WriteLine($"postbacks          off for this run (no postback URL); the merchant got {run.MerchantPostbacks}");
        }
        else
        {
            output.WriteLine($"postbacks          {Postbacks(run)}");
            output.WriteLine($"postback lag (ms)  {Percentiles(run.PostbackLagsMs)}   (from the startorder answer to the merchant's first postback)");
        }

        output.WriteLine($"merchant           {Merchant(run)}");
        output.WriteLine($"database           {Database(run)}");
        output.WriteLine($"gateway log        {run.LogLinesMeasured} lines at Warning or above from the measured phase on ({run.LogLinesBefore} before: start-up warnings)");
        output.WriteLine(Rule);
        PrintLog(output, run);
    }

    /// <summary>The floor's figures after the gateway's, and the ratio of their throughputs (issue 19: at least 0.5).</summary>
    public static void PrintFloor(TextWriter output, BenchmarkOptions options, RunFigures gateway, RunFigures floor)
    {
        var measured = floor.Measured;
        output.WriteLine("floor              bare ASP.NET Core + Microsoft.Data.Sqlite doing only an instant purchase's unavoidable work; same load");
        output.WriteLine($"floor buyers       {floor.SeededBuyers} seeded of {options.Buyers} asked ({floor.SeedTime.TotalSeconds:0.0} s, not measured)");
        output.WriteLine($"floor approved     {measured.Approved} in {measured.Elapsed.TotalSeconds:0.00} s; failures {floor.Failures}{(measured.Failures.IsEmpty ? "" : "  (" + Describe(measured.Failures) + ")")}");
        output.WriteLine($"floor throughput   {floor.Throughput:0.0} approved purchases/s");
        output.WriteLine($"floor latency (ms)    p50      p95      p99      max");
        output.WriteLine($"  purchase         {Percentiles(measured.PurchaseMs)}");
        output.WriteLine($"  startorder       {Percentiles(measured.StartOrderMs)}");
        output.WriteLine($"floor memory       peak RSS {Mb(floor.HighWaterMarkKb)} (VmHWM); {Mb(floor.RssBeforeKb)} before the measured phase");
        output.WriteLine($"floor CPU          {floor.ServerCpu.TotalSeconds:0.0} s ({floor.ServerCpu / measured.Elapsed:0.00} cores), {PerPurchase(floor.ServerCpu, measured.Approved)} per approved purchase; benchmark {floor.SelfCpu / measured.Elapsed:0.00} cores");
        output.WriteLine($"floor GC mode      {floor.GcMode}");
        output.WriteLine($"floor GC           {Gc(floor)}");
        output.WriteLine($"floor postbacks    {Postbacks(floor)}");
        output.WriteLine($"floor lag (ms)     {Percentiles(floor.PostbackLagsMs)}   (postback lag, measured as the gateway's)");
        output.WriteLine($"floor merchant     {Merchant(floor)}");
        output.WriteLine($"floor database     {Database(floor)}");
        output.WriteLine($"floor log          {floor.LogLinesMeasured} lines at Warning or above from the measured phase on ({floor.LogLinesBefore} before)");
        var ratio = floor.Throughput > 0 ? gateway.Throughput / floor.Throughput : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"floor ratio",-19}{ratio:0.00} (OneClick {gateway.Throughput:N0}/s, floor {floor.Throughput:N0}/s)"));
        output.WriteLine(Rule);
        PrintLog(output, floor);
    }

    public static void PrintLog(TextWriter output, string server, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        output.WriteLine($"Last lines of the {server}'s log:");
        foreach (var line in lines)
        {
            output.WriteLine("  " + line);
        }
    }

    public static string Describe(ConcurrentDictionary<string, int> reasons) =>
        string.Join("; ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Value} × {r.Key}"));

    private static string Durability((string Mode, string Source) gateway, bool withFloor)
    {
        var floor = FloorDatabase.Synchronous;
        if (!withFloor)
        {
            return $"synchronous={gateway.Mode} (WAL; {gateway.Source})";
        }

        return gateway.Mode == floor
            ? $"synchronous={floor} (WAL), the gateway ({gateway.Source}) and the floor"
            : $"synchronous={gateway.Mode} (WAL) for the gateway ({gateway.Source}), synchronous={floor} (WAL) for the floor: the ratio compares unlike durability";
    }

    private static void PrintLog(TextWriter output, RunFigures run) => PrintLog(output, run.Server, run.LastLogLines);

    private static string Postbacks(RunFigures run) =>
        $"{run.MeasuredDelivered} / {run.Measured.SaleIds.Count} delivered for the measured sales; {run.AllDelivered} / {run.Approvals} for the whole run; "
        + (run.AllDelivered == run.Approvals ? $"all in within {run.PostbackWait.TotalSeconds:0.00} s after the phase" : $"still missing after {run.PostbackPatience.TotalSeconds:0} s");

    private static string Merchant(RunFigures run) =>
        $"{run.MerchantPostbacks} postback requests, {run.MerchantDistinctSales} distinct saleIDs, {run.MerchantUnverified} whose signatures did not verify";

    private static string Database(RunFigures run) =>
        $"{run.ApprovedInDatabase} approved sales; the benchmark saw {run.Approvals} approvals with a verified success URL, each a distinct saleID"
        + (run.ApprovedInDatabase == run.Approvals ? "" : "  MISMATCH");

    /// <summary>The measured phase's GCs, GC pauses and allocations, from the server's System.Runtime meter.</summary>
    private static string Gc(RunFigures run)
    {
        var counters = run.Counters;
        if (counters.Failure is { } failure)
        {
            return $"n/a ({failure})";
        }

        var purchases = Math.Max(run.Measured.Approved, 1);
        var seconds = run.Measured.Elapsed.TotalSeconds;
        var parts = new List<string>();
        if (counters is { Gen0: { } gen0, Gen1: { } gen1, Gen2: { } gen2 })
        {
            parts.Add(Invariant($"{gen0:N0} gen0 / {gen1:N0} gen1 / {gen2:N0} gen2 in the phase ({(gen0 + gen1 + gen2) / purchases:0.000} per purchase)"));
        }

        if (counters.GcPauseSeconds is { } pause)
        {
            parts.Add(Invariant($"paused {pause * 1000:N0} ms ({pause / seconds:0.0%} of the time)"));
        }

        if (counters.AllocatedBytes is { } bytes)
        {
            parts.Add(Invariant($"{bytes / purchases / 1024:N0} KB allocated per purchase ({bytes / seconds / 1024 / 1024:N0} MB/s)"));
        }

        return parts.Count > 0 ? string.Join("; ", parts) : "n/a (the server's System.Runtime meter published no GC values)";
    }

    /// <summary>The gateway's shared write commits in the measured phase, from its OneClick meter (WriteGate).</summary>
    private static string Commits(RunFigures run)
    {
        var counters = run.Counters;
        if (counters.Failure is { } failure)
        {
            return $"n/a ({failure})";
        }

        if (counters is not { Commits: { } commits, Turns: { } turns } || commits <= 0)
        {
            return "n/a (the gateway's OneClick meter published no commits in the phase)";
        }

        var line = Invariant($"{commits:N0} commits ({commits / run.Measured.Elapsed.TotalSeconds:N0}/s), {turns / commits:0.00} turns per commit, {turns / Math.Max(run.Measured.Approved, 1):0.00} turns per purchase");
        if (counters.CommitMeanSeconds is { } mean)
        {
            line += Invariant($"; commit mean {mean * 1000:0.00} ms");
        }

        if (counters is { CommitP50Seconds: { } p50, CommitP99Seconds: { } p99 })
        {
            line += Invariant($", p50 {p50 * 1000:0.00} ms / p99 {p99 * 1000:0.00} ms (each second's quantiles, averaged over {counters.CommitsTimed:N0} commits)");
        }

        return line;
    }

    /// <summary>
    /// How much of the phase the write gate was held (turns and their commits run one at a time, so
    /// near 100% it caps the throughput), and for how long per turn.
    /// </summary>
    private static string Held(RunFigures run)
    {
        if (run.Counters is not { HeldSeconds: { } held, Turns: { } turns } || turns <= 0)
        {
            return "n/a (the gateway's OneClick meter published no write turns in the phase)";
        }

        var elapsed = run.Measured.Elapsed.TotalSeconds;
        var line = Invariant($"{held:0.0} s of {elapsed:0.0} s ({held / elapsed * 100:0}%), {held / turns * 1000:0.000} ms per turn, commits included");
        if (run.Counters is { HeldCpuSeconds: { } cpu, HeldCpuTurns: { } sampled } && cpu > 0 && sampled > 0)
        {
            var perTurn = cpu / sampled;
            line += Invariant($"; the holder on the CPU {perTurn * 1000:0.000} ms per turn ({perTurn / (held / turns) * 100:0}% of it, {sampled:N0} turns sampled)");
        }

        return line;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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

    private static string Mb(long? kb) => kb is { } k ? string.Create(CultureInfo.InvariantCulture, $"{k / 1024.0:0} MB") : "n/a";

    private static string PerPurchase(TimeSpan cpu, int purchases) =>
        purchases == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMilliseconds / purchases:0.00} ms");

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
