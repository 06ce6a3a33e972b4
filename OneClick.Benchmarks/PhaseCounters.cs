namespace OneClick.Benchmarks;

/// <summary>
/// What a server's meters said about the measured phase (<see cref="ServerCounters"/>), or why they
/// could not be read. A figure the server does not publish (the floor has no OneClick meter) is null.
/// </summary>
internal sealed class PhaseCounters
{
    /// <summary>Why there are no figures (no diagnostics connection, no values): the report prints n/a with it.</summary>
    public string? Failure { get; init; }

    /// <summary>GCs of each generation alone in the phase (a gen1 GC is not counted as a gen0 one too).</summary>
    public double? Gen0 { get; init; }

    public double? Gen1 { get; init; }

    public double? Gen2 { get; init; }

    public double? AllocatedBytes { get; init; }

    public double? GcPauseSeconds { get; init; }

    public double? Commits { get; init; }

    public double? Turns { get; init; }

    /// <summary>How long the write gate was held by turns and their commits: the turns run one at a time.</summary>
    public double? HeldSeconds { get; init; }

    /// <summary>CPU time of the threads holding the write gate in the sampled turns (Linux only): the turns' work, without their waits for a core.</summary>
    public double? HeldCpuSeconds { get; init; }

    /// <summary>The turns <see cref="HeldCpuSeconds"/> counts (a sample of them).</summary>
    public double? HeldCpuTurns { get; init; }

    public long CommitsTimed { get; init; }

    public double? CommitMeanSeconds { get; init; }

    public double? CommitP50Seconds { get; init; }

    public double? CommitP99Seconds { get; init; }

    public static PhaseCounters Unavailable(string reason) => new() { Failure = reason };
}
