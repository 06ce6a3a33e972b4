using System.Globalization;

namespace OneClick.Benchmarks;

/// <summary>The command line: <c>--buyers 200 --concurrency 32 --duration 20 [--warmup 10] [--no-floor]</c>.</summary>
public sealed record BenchmarkOptions(int Buyers, int Concurrency, int DurationSeconds, int WarmupSeconds)
{
    public static readonly BenchmarkOptions Defaults = new(Buyers: 200, Concurrency: 32, DurationSeconds: 20, WarmupSeconds: 10);

    /// <summary>Extra gateway settings (<c>--set Name=Value</c>, environment variable names), e.g. to compare postback settings.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the floor is measured after the gateway (off with <c>--no-floor</c>).</summary>
    public bool RunFloor { get; init; } = true;

    public const string Usage =
        "Usage: dotnet run -c Release --project OneClick.Benchmarks -- [--buyers 200] [--concurrency 32] [--duration 20] [--warmup 10] [--set Name=Value]... [--no-floor]\n" +
        "  --buyers       buyers seeded with a saved card, a remembered-card cookie and a oneClickToken\n" +
        "  --concurrency  workers firing instant one-click purchases at once (each buyer used by one worker at a time)\n" +
        "  --duration     seconds of the measured phase\n" +
        "  --warmup       seconds of unmeasured one-click purchases before it (JIT and tiered compilation settle, connections open), 0 for none\n" +
        "  --set          a further gateway setting as an environment variable, e.g. --set OneClick__Postbacks__PerShopConcurrency=8\n" +
        "  --no-floor     measure the gateway only: no floor run (a bare ASP.NET Core and SQLite app doing only an instant purchase's unavoidable work), no floor ratio";

    /// <summary>The options, or null with <paramref name="error"/> saying what is wrong (or empty for --help).</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string error)
    {
        var options = Defaults;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var runFloor = true;
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

        return options with { GatewaySettings = settings, RunFloor = runFloor };
    }
}
