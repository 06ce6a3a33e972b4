using System.Collections.Concurrent;

namespace OneClick.Benchmarks;

/// <summary>What one run against one server measured and verified (<see cref="BenchmarkRun"/>).</summary>
internal sealed class RunFigures
{
    /// <summary>"gateway" or "floor".</summary>
    public required string Server { get; init; }

    /// <summary>The database and the nodes ("SQLite, 1 node", "PostgreSQL, 2 nodes"), or the server's name.</summary>
    public required string Setup { get; init; }

    /// <summary>The PostgreSQL server's durability settings; null on SQLite.</summary>
    public string? DatabaseDurability { get; init; }

    public required int SeededBuyers { get; init; }

    public required TimeSpan SeedTime { get; init; }

    public required ConcurrentDictionary<string, int> SeedFailures { get; init; }

    public required PhaseResult Measured { get; init; }

    /// <summary>The server's processes: 1, or the gateway's nodes on one PostgreSQL database.</summary>
    public required int Nodes { get; init; }

    /// <summary>CPU time of the server's processes (every node's) in the measured phase.</summary>
    public required TimeSpan ServerCpu { get; init; }

    /// <summary>CPU time of the PostgreSQL server's processes in the measured phase (SQLite's work is in <see cref="ServerCpu"/>).</summary>
    public required TimeSpan? DatabaseCpu { get; init; }

    /// <summary>The load generator's and the merchant's CPU during the measured phase.</summary>
    public required TimeSpan SelfCpu { get; init; }

    public required long? Threads { get; init; }

    public required long? RssBeforeKb { get; init; }

    public required long? HighWaterMarkKb { get; init; }

    public required long PeakSampledRssKb { get; init; }

    /// <summary>Server or workstation GC and DATAS, and where each was read (<see cref="Benchmarks.GcMode"/>).</summary>
    public required string GcMode { get; init; }

    /// <summary>The server's GC and write-commit figures for the measured phase, from its meters.</summary>
    public required PhaseCounters Counters { get; init; }

    /// <summary>False when the gateway was started without a postback URL (<c>--set OneClick__Seed__PostbackUrl=</c>).</summary>
    public required bool ExpectPostbacks { get; init; }

    public required TimeSpan PostbackWait { get; init; }

    public required TimeSpan PostbackPatience { get; init; }

    /// <summary>Sales of the measured phase with a verified postback.</summary>
    public required int MeasuredDelivered { get; init; }

    /// <summary>Sales of the whole run (seeding and warm-up included) with a verified postback.</summary>
    public required int AllDelivered { get; init; }

    /// <summary>Approvals of the whole run whose success URL verified, each a distinct saleID.</summary>
    public required int Approvals { get; init; }

    public required double[] PostbackLagsMs { get; init; }

    public required long MerchantPostbacks { get; init; }

    public required int MerchantDistinctSales { get; init; }

    public required long MerchantUnverified { get; init; }

    public required long ApprovedInDatabase { get; init; }

    public required int LogLinesBefore { get; init; }

    public required int LogLinesMeasured { get; init; }

    /// <summary>The server's last log lines when a purchase failed or it logged in the measured phase, else none.</summary>
    public required IReadOnlyList<string> LastLogLines { get; init; }

    public double Throughput => Measured.Approved / Measured.Elapsed.TotalSeconds;

    public int Failures => Measured.Failures.Values.Sum();

    /// <summary>
    /// What the run cannot vouch for: a failed purchase, an approval the database does not hold (or
    /// one it holds that no buyer saw), a missing, repeated or unverified postback.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Measured.Approved == 0)
        {
            problems.Add("no purchase was approved");
        }

        if (Failures > 0)
        {
            problems.Add($"{Failures} purchases failed");
        }

        if (ApprovedInDatabase != Approvals)
        {
            problems.Add($"the database holds {ApprovedInDatabase} approved sales, the buyers saw {Approvals}");
        }

        if (ExpectPostbacks && AllDelivered != Approvals)
        {
            problems.Add($"{Approvals - AllDelivered} approved sales have no postback");
        }

        if (MerchantUnverified > 0)
        {
            problems.Add($"{MerchantUnverified} postbacks did not verify");
        }

        if (MerchantPostbacks - MerchantUnverified > MerchantDistinctSales)
        {
            problems.Add($"{MerchantPostbacks - MerchantUnverified - MerchantDistinctSales} postbacks repeated a saleID");
        }

        return problems;
    }
}
