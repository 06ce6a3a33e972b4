using System.Globalization;

namespace OneClick.Benchmarks;

/// <summary>The command line: <c>--buyers 200 --concurrency 32 --duration 20 [--warmup 10] [--no-floor]</c>.</summary>
public sealed record BenchmarkOptions(int Buyers, int Concurrency, int DurationSeconds, int WarmupSeconds)
{
    public static readonly BenchmarkOptions Defaults = new(Buyers: 200, Concurrency: 32, DurationSeconds: 20, WarmupSeconds: 10);

    /// <summary>Extra gateway settings (<c>--set Name=Value</c>, environment variable names), e.g. to compare postback settings.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A PostgreSQL server (<c>--postgresql "Host=...;Username=...;Password=..."</c>): the gateway is then
    /// measured on it too, as 1 node and as 2 nodes (round robin, then sticky), each run on a fresh database of its own, after SQLite.
    /// </summary>
    public string? PostgreSql { get; init; }

    /// <summary>Whether the gateway is measured a second time with its metrics and traces on (<c>--telemetry</c>): their cost.</summary>
    public bool Telemetry { get; init; }

    /// <summary>Whether the floor is measured after the gateway (off with <c>--no-floor</c>).</summary>
    public bool RunFloor { get; init; } = true;

    public const string Usage =
        "Usage: dotnet run -c Release --project OneClick.Benchmarks -- [--buyers 200] [--concurrency 32] [--duration 20] [--warmup 10] [--set Name=Value]... [--no-floor] [--telemetry] [--postgresql ConnectionString]\n" +
        "  --buyers       buyers seeded with a saved card, a remembered-card cookie and a oneClickToken\n" +
        "  --concurrency  workers firing instant one-click purchases at once (each buyer used by one worker at a time)\n" +
        "  --duration     seconds of the measured phase\n" +
        "  --warmup       seconds of unmeasured one-click purchases before it (JIT and tiered compilation settle, connections open), 0 for none\n" +
        "  --set          a further gateway setting as an environment variable, e.g. --set OneClick__Postbacks__PerShopConcurrency=8\n" +
        "  --no-floor     measure the gateway only: no floor run (a bare ASP.NET Core and SQLite app doing only an instant purchase's unavoidable work), no floor ratio\n" +
        "  --telemetry    measure the gateway (SQLite) twice more: with its metrics on (/metrics on a port of its own, scraped every 5 s),\n" +
        "                 then with its traces too (every span exported by OTLP to a collector on loopback); the runs side by side\n" +
        "  --postgresql   a PostgreSQL server the gateway is also measured on, as 1 node and as 2 nodes (a fresh database each,\n" +
        "                 dropped after), e.g. --postgresql \"Host=127.0.0.1;Username=oneclick;Password=oneclick\" (scripts/postgres.sh starts one);\n" +
        "                 the 2 nodes are measured twice: each request to the next node (round robin), and each buyer on one node (sticky)";

    /// <summary>The options, or null with <paramref name="error"/> saying what is wrong (or empty for --help).</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string error)
    {
        var options = Defaults;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var runFloor = true;
        var telemetry = false;
        string? postgreSql = null;
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }

            if (name == "--no-floor")
            {
                runFloor = false;
                continue;
            }

            if (name == "--telemetry")
            {
                telemetry = true;
                continue;
            }

            if (name == "--postgresql")
            {
                postgreSql = i + 1 < args.Count ? args[++i] : "";
                if (!postgreSql.Contains("Host=", StringComparison.OrdinalIgnoreCase))
                {
                    error = $"--postgresql needs a connection string naming its Host, e.g. \"Host=127.0.0.1;Username=oneclick;Password=oneclick\", not '{postgreSql}'.";
                    return null;
                }

                continue;
            }

            if (name == "--set")
            {
                var setting = i + 1 < args.Count ? args[++i] : "";
                var at = setting.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0)
                {
                    error = $"--set needs Name=Value, not '{setting}'.";
                    return null;
                }

                settings[setting[..at]] = setting[(at + 1)..];
                continue;
            }

            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                error = $"{name} needs a whole number, not '{value}'.";
                return null;
            }

            switch (name)
            {
                case "--buyers" when number >= 1:
                    options = options with { Buyers = number };
                    break;
                case "--concurrency" when number >= 1:
                    options = options with { Concurrency = number };
                    break;
                case "--duration" when number >= 1:
                    options = options with { DurationSeconds = number };
                    break;
                case "--warmup":
                    options = options with { WarmupSeconds = number };
                    break;
                case "--buyers" or "--concurrency" or "--duration":
                    error = $"{name} must be at least 1.";
                    return null;
                default:
                    error = $"Unknown option {name}.";
                    return null;
            }
        }

        if (options.Concurrency > options.Buyers)
        {
            error = $"--concurrency ({options.Concurrency}) cannot exceed --buyers ({options.Buyers}): a buyer is used by one worker at a time.";
            return null;
        }

        return options with { GatewaySettings = settings, RunFloor = runFloor, PostgreSql = postgreSql, Telemetry = telemetry };
    }
}
