namespace OneClick.Benchmarks;

/// <summary>
/// The values a server's meters published, by series ("meter/instrument/tags"), and what they give
/// for one phase. Written by the event thread of <see cref="ServerCounters"/>, read by the benchmark.
/// </summary>
internal sealed class CounterSamples
{
    /// <summary>A histogram's values arrive for the interval before them, of this length.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<(DateTime At, double Total)>> totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistogramInterval>> histograms = new(StringComparer.Ordinal);

    public void AddTotal(string series, DateTime at, double total)
    {
        lock (gate)
        {
            if (!totals.TryGetValue(series, out var list))
            {
                totals[series] = list = [];
            }

            list.Add((at, total));
        }
    }

    public void AddInterval(string series, DateTime at, IReadOnlyDictionary<double, double> quantiles, long count, double sum)
    {
        lock (gate)
        {
            if (!histograms.TryGetValue(series, out var list))
            {
                histograms[series] = list = [];
            }

            list.Add(new HistogramInterval(at, quantiles, count, sum));
        }
    }

    public bool HasBefore(DateTime at)
    {
        lock (gate)
        {
            return totals.Values.Any(list => list.Count > 0 && list[0].At <= at);
        }
    }

    public bool HasAfter(DateTime at)
    {
        lock (gate)
        {
            return totals.Values.Any(list => list.Count > 0 && list[^1].At >= at);
        }
    }

    public PhaseCounters Phase(DateTime started, DateTime ended)
    {
        lock (gate)
        {
            // The collections are counted per generation alone: a gen1 GC is not also a gen0 one in this meter.
            double? Collections(string generation) => Delta($"System.Runtime/dotnet.gc.collections/gc.heap.generation={generation}", started, ended);
            var commits = Commits(started, ended);
            return new PhaseCounters
            {
                Gen0 = Collections("gen0"),
                Gen1 = Collections("gen1"),
                Gen2 = Collections("gen2"),
                AllocatedBytes = Delta("System.Runtime/dotnet.gc.heap.total_allocated/", started, ended),
                GcPauseSeconds = Delta("System.Runtime/dotnet.gc.pause.time/", started, ended),
                Commits = Delta("OneClick/oneclick.write.commits/", started, ended),
                Turns = Delta("OneClick/oneclick.write.turns/", started, ended),
                HeldSeconds = Delta("OneClick/oneclick.write.held/", started, ended),
                HeldCpuSeconds = Delta("OneClick/oneclick.write.held.cpu/", started, ended),
                HeldCpuTurns = Delta("OneClick/oneclick.write.held.cpu.turns/", started, ended),
                CommitsTimed = commits.Count,
                CommitMeanSeconds = commits.Count > 0 ? commits.Sum / commits.Count : null,
                CommitP50Seconds = commits.P50,
                CommitP99Seconds = commits.P99,
            };
        }
    }

    /// <summary>
    /// How much a running total grew in the phase. The totals come once a second, not at the phase's
    /// ends: each end is interpolated between the values published around it, the load being steady
    /// there (the warm-up runs right before the phase).
    /// </summary>
    private double? Delta(string series, DateTime started, DateTime ended) =>
        totals.TryGetValue(series, out var list) && ValueAt(list, started) is { } first && ValueAt(list, ended) is { } last ? last - first : null;

    private static double? ValueAt(List<(DateTime At, double Total)> list, DateTime at)
    {
        for (var i = 1; i < list.Count; i++)
        {
            var (before, after) = (list[i - 1], list[i]);
            if (before.At <= at && at <= after.At)
            {
                var span = (after.At - before.At).TotalSeconds;
                return span <= 0 ? after.Total : before.Total + (after.Total - before.Total) * (at - before.At).TotalSeconds / span;
            }
        }

        return null;
    }

    /// <summary>
    /// The commit-time histogram over the phase: the intervals whose middle falls inside it. Count and
    /// sum add up exactly; the quantiles come per interval, so the phase's are their count-weighted mean.
    /// </summary>
    private (long Count, double Sum, double? P50, double? P99) Commits(DateTime started, DateTime ended)
    {
        if (!histograms.TryGetValue("OneClick/oneclick.write.commit.duration/", out var list))
        {
            return (0, 0, null, null);
        }

        var inPhase = list.Where(h => h.At - Interval / 2 >= started && h.At - Interval / 2 <= ended && h.Count > 0).ToList();
        var count = inPhase.Sum(h => h.Count);
        double? Weighted(double quantile)
        {
            var known = inPhase.Where(h => h.Quantiles.ContainsKey(quantile)).ToList();
            var weight = known.Sum(h => h.Count);
            return weight > 0 ? known.Sum(h => h.Quantiles[quantile] * h.Count) / weight : null;
        }

        return (count, inPhase.Sum(h => h.Sum), Weighted(0.5), Weighted(0.99));
    }

    private sealed record HistogramInterval(DateTime At, IReadOnlyDictionary<double, double> Quantiles, long Count, double Sum);
}
