using OneClick.Benchmarks.Floor;

namespace OneClick.Benchmarks;

/// <summary>
/// Runs the benchmark against the gateway and then, unless <c>--no-floor</c>, against the floor
/// (<see cref="FloorServer"/>) with the same buyers count, workers, warm-up and duration
/// (<see cref="BenchmarkRun"/> for both), prints the report with the floor ratio, and the verdict:
/// passed only when every count of both runs is verified.
/// </summary>
public static class OneClickBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // Before anything of ours runs: other work on these same cores skews every figure.
        var load = LoadAverage();
        var durability = GatewayDurability.Of(options.GatewaySettings);
        RunFigures gateway;
        try
        {
            gateway = await RunGatewayAsync(options, output, cancellationToken);
        }
        catch (RunAbortedException aborted)
        {
            output.WriteLine(aborted.Message);
            BenchmarkReport.PrintLog(output, aborted.Server, aborted.LastLogLines);
            return 1;
        }

        // The gateway has been stopped by now: the floor has the cores to itself, as the gateway had.
        RunFigures? floor = null;
        RunAbortedException? floorAborted = null;
        if (options.RunFloor)
        {
            try
            {
                floor = await RunFloorAsync(options, output, cancellationToken);
            }
            catch (RunAbortedException aborted)
            {
                floorAborted = aborted;
            }
        }

        // With --telemetry, the gateway again with its metrics on, then with its traces too: what they cost.
        var withTelemetry = new List<(RunFigures Run, (bool Flowed, string Summary) Flow)>();
        var telemetryAborted = new List<RunAbortedException>();
        foreach (var traces in options.Telemetry ? new[] { false, true } : [])
        {
            try
            {
                withTelemetry.Add(await RunWithTelemetryAsync(options, traces, output, cancellationToken));
            }
            catch (RunAbortedException aborted)
            {
                telemetryAborted.Add(aborted);
            }
        }

        // Then PostgreSQL, when a server was named: one node, then two on one database (each request to the
        // next node, then each buyer on one node), each run on the cores to itself.
        var onPostgreSql = new List<RunFigures>();
        var postgreSqlAborted = new List<(string Setup, RunAbortedException Aborted)>();
        if (options.PostgreSql is { } server)
        {
            foreach (var (nodes, sticky) in new[] { (1, false), (2, false), (2, true) })
            {
                try
                {
                    onPostgreSql.Add(await RunGatewayAsync(options, output, cancellationToken, server, nodes, sticky));
                }
                catch (RunAbortedException aborted)
                {
                    postgreSqlAborted.Add((GatewayUnderTest.SetupOf(postgreSql: true, nodes, sticky), aborted));
                }
                catch (Npgsql.NpgsqlException unreachable)
                {
                    // No database could be made there (no server, a wrong password): said, and the verdict fails.
                    postgreSqlAborted.Add((GatewayUnderTest.SetupOf(postgreSql: true, nodes, sticky), new RunAbortedException("gateway", $"PostgreSQL at {new Npgsql.NpgsqlConnectionStringBuilder(server).Host} refused: {unreachable.Message}", [])));
                }
            }
        }

        BenchmarkReport.PrintGateway(output, options, load, durability, floor is not null || floorAborted is not null, gateway);
        var problems = gateway.Problems().ToList();
        if (floor is not null)
        {
            BenchmarkReport.PrintFloor(output, options, gateway, floor);
            problems.AddRange(floor.Problems().Select(p => "floor: " + p));
        }
        else if (floorAborted is not null)
        {
            output.WriteLine($"floor              not measured: {floorAborted.Message}");
            BenchmarkReport.PrintLog(output, floorAborted.Server, floorAborted.LastLogLines);
            problems.Add("floor: " + floorAborted.Message);
        }

        foreach (var (run, flow) in withTelemetry)
        {
            BenchmarkReport.PrintGatewayRun(output, run);
            output.WriteLine($"telemetry flow     {flow.Summary}");
            problems.AddRange(run.Problems().Select(p => $"{run.Setup}: {p}"));
            if (!flow.Flowed)
            {
                problems.Add($"{run.Setup}: no trace reached the collector, or no scrape of /metrics succeeded");
            }
        }

        foreach (var aborted in telemetryAborted)
        {
            output.WriteLine($"{"telemetry:",-19} not measured: {aborted.Message}");
            BenchmarkReport.PrintLog(output, aborted.Server, aborted.LastLogLines);
            problems.Add("telemetry: " + aborted.Message);
        }

        if (withTelemetry.Count > 0)
        {
            BenchmarkReport.PrintSideBySide(output, "telemetry          the same load, in this run: off, metrics on, metrics and traces on", [gateway, .. withTelemetry.Select(t => t.Run)]);
        }

        foreach (var run in onPostgreSql)
        {
            BenchmarkReport.PrintGatewayRun(output, run);
            problems.AddRange(run.Problems().Select(p => $"{run.Setup}: {p}"));
        }

        foreach (var (setup, aborted) in postgreSqlAborted)
        {
            output.WriteLine($"{setup + ":",-19} not measured: {aborted.Message}");
            BenchmarkReport.PrintLog(output, aborted.Server, aborted.LastLogLines);
            problems.Add($"{setup}: {aborted.Message}");
        }

        if (options.PostgreSql is not null)
        {
            BenchmarkReport.PrintSideBySide(output, "databases          the same load on each, in this run, on this machine's cores (the database server's too)", [gateway, .. onPostgreSql]);
        }

        output.WriteLine(problems.Count == 0 ? "verdict            passed: every count above is verified" : "verdict            FAILED: " + string.Join("; ", problems));
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>The gateway on SQLite, or as <paramref name="nodes"/> nodes on a fresh database of the PostgreSQL <paramref name="postgreSql"/>.</summary>
    private static async Task<RunFigures> RunGatewayAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken, string? postgreSql = null, int nodes = 1, bool stickyBuyers = false)
    {
        await using var merchant = await PostbackMerchant.StartAsync();
        var database = postgreSql is null ? null : await BenchDatabase.CreateAsync(postgreSql, cancellationToken);
        output.WriteLine($"Merchant (postbacks) on {merchant.BaseAddress}; starting the gateway{(database is null ? "" : $" on PostgreSQL database {database.Name}, {nodes} node(s)")}...");
        await using var gateway = await GatewayUnderTest.StartAsync(merchant.BaseAddress, options.GatewaySettings, cancellationToken, database, nodes, stickyBuyers);
        output.WriteLine($"Gateway on {string.Join(", ", gateway.BaseAddresses)} (pid {gateway.ProcessIds}, data in {gateway.DataDirectory}).");

        // Unless the run switched postbacks off with --set OneClick__Seed__PostbackUrl= to see what they cost.
        var expectPostbacks = !(options.GatewaySettings.TryGetValue("OneClick__Seed__PostbackUrl", out var postbackUrl) && postbackUrl.Length == 0);

        // Seeding on the gateway: one full purchase per buyer by card, "Remember my card" ticked.
        return await BenchmarkRun.RunAsync(gateway, merchant, options, (buyer, http, ct) => buyer.SeedAsync(http, ct), expectPostbacks, output, cancellationToken);
    }

    /// <summary>The gateway on SQLite with its metrics on (/metrics scraped) and, with <paramref name="traces"/>, every span exported to a collector.</summary>
    private static async Task<(RunFigures Run, (bool Flowed, string Summary) Flow)> RunWithTelemetryAsync(BenchmarkOptions options, bool traces, TextWriter output, CancellationToken cancellationToken)
    {
        await using var merchant = await PostbackMerchant.StartAsync();
        await using var collector = await TelemetryCollector.StartAsync(traces);
        output.WriteLine($"Merchant (postbacks) on {merchant.BaseAddress}, OTLP collector on {collector.OtlpEndpoint}; starting the gateway with metrics (port {collector.MetricsPort}){(traces ? " and traces" : "")}...");
        await using var gateway = await GatewayUnderTest.StartAsync(merchant.BaseAddress, options.GatewaySettings, cancellationToken, telemetry: collector);
        output.WriteLine($"Gateway on {string.Join(", ", gateway.BaseAddresses)} (pid {gateway.ProcessIds}, data in {gateway.DataDirectory}).");
        collector.ScrapeFrom(gateway.BaseAddresses[0]);
        var expectPostbacks = !(options.GatewaySettings.TryGetValue("OneClick__Seed__PostbackUrl", out var postbackUrl) && postbackUrl.Length == 0);
        var run = await BenchmarkRun.RunAsync(gateway, merchant, options, (buyer, http, ct) => buyer.SeedAsync(http, ct), expectPostbacks, output, cancellationToken);
        var tracesExpected = !(options.GatewaySettings.TryGetValue("OneClick__Telemetry__TraceSampleRatio", out var ratio) && double.TryParse(ratio, System.Globalization.CultureInfo.InvariantCulture, out var share) && share == 0);
        return (run, (collector.Flowed(tracesExpected), collector.Summary()));
    }

    private static async Task<RunFigures> RunFloorAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // A fresh merchant: its counts are the floor's alone.
        await using var merchant = await PostbackMerchant.StartAsync();
        output.WriteLine($"Merchant (postbacks) on {merchant.BaseAddress}; starting the floor...");
        await using var floor = await FloorUnderTest.StartAsync(merchant.BaseAddress, cancellationToken);
        output.WriteLine($"Floor on {floor.BaseAddress} (pid {floor.ProcessId}, data in {floor.DataDirectory}).");
        return await BenchmarkRun.RunAsync(floor, merchant, options, (buyer, http, ct) => buyer.SeedOnFloorAsync(http, ct), expectPostbacks: true, output, cancellationToken);
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
}
