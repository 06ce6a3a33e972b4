namespace OneClick.Benchmarks;

/// <summary>
/// Runs the benchmark against the gateway (<see cref="BenchmarkRun"/>), prints the report and the
/// verdict: passed only when every count is verified.
/// </summary>
public static class OneClickBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        // Before anything of ours runs: other work on these same cores skews every figure.
        var load = LoadAverage();
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

        BenchmarkReport.PrintGateway(output, options, load, gateway);
        var problems = gateway.Problems();
        output.WriteLine(problems.Count == 0 ? "verdict            passed: every count above is verified" : "verdict            FAILED: " + string.Join("; ", problems));
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<RunFigures> RunGatewayAsync(BenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var merchant = await PostbackMerchant.StartAsync();
        output.WriteLine($"Merchant (postbacks) on {merchant.BaseAddress}; starting the gateway...");
        await using var gateway = await GatewayUnderTest.StartAsync(merchant.BaseAddress, options.GatewaySettings, cancellationToken);
        output.WriteLine($"Gateway on {gateway.BaseAddress} (pid {gateway.ProcessId}, data in {gateway.DataDirectory}).");

        // Unless the run switched postbacks off with --set OneClick__Seed__PostbackUrl= to see what they cost.
        var expectPostbacks = !(options.GatewaySettings.TryGetValue("OneClick__Seed__PostbackUrl", out var postbackUrl) && postbackUrl.Length == 0);

        // Seeding on the gateway: one full purchase per buyer by card, "Remember my card" ticked.
        return await BenchmarkRun.RunAsync(gateway, merchant, options, (buyer, http, ct) => buyer.SeedAsync(http, ct), expectPostbacks, output, cancellationToken);
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
