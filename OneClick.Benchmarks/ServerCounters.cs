using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace OneClick.Benchmarks;

/// <summary>
/// The meters of a server under test, read from outside over EventPipe while the benchmark runs: the
/// runtime's <c>System.Runtime</c> meter (GCs, allocated bytes, GC pauses) and the gateway's
/// <c>OneClick</c> meter (write commits and turns, commit time). The server publishes them through
/// its <c>System.Diagnostics.Metrics</c> EventSource once a second, as <c>dotnet-counters</c> reads
/// them; nothing in the server is changed for the benchmark.
/// </summary>
internal sealed class ServerCounters : IAsyncDisposable
{
    private const string Provider = "System.Diagnostics.Metrics";

    // MetricsEventSource's keywords: Messages (its errors) and TimeSeriesValues (the values).
    private const long MessagesAndValues = 0x1 | 0x2;

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly EventPipeSession session;
    private readonly EventPipeEventSource source;
    private readonly Task processing;
    private readonly string sessionId;
    private readonly CounterSamples samples = new();
    private string? error;

    private ServerCounters(EventPipeSession session, string sessionId)
    {
        this.session = session;
        this.sessionId = sessionId;
        source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += Take;

        // Process() blocks until the session is stopped: its own thread, not one of the pool's the load generator uses.
        processing = Task.Factory.StartNew(() => source.Process(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Opens the session on the process, or says why it could not (the report prints n/a with the reason).</summary>
    public static ServerCounters? TryStart(int processId, out string failure)
    {
        failure = "";
        var sessionId = Guid.NewGuid().ToString("N");
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SessionId"] = sessionId,
            ["Metrics"] = "System.Runtime,OneClick",
            ["RefreshInterval"] = RefreshInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            ["MaxTimeSeries"] = "1000",
            // The OneClick meter's histograms (payment, acquirer, postback lag, jobs, write turns) by their labels: over 20 series.
            ["MaxHistograms"] = "200",
        };
        try
        {
            var client = new DiagnosticsClient(processId);
            var provider = new EventPipeProvider(Provider, EventLevel.Informational, MessagesAndValues, arguments);
            var session = client.StartEventPipeSession([provider], requestRundown: false, circularBufferMB: 16);
            return new ServerCounters(session, sessionId);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            // The first sentence: the rest of the client's message is advice on containers that a report line cannot hold.
            failure = $"no diagnostics connection to pid {processId}: {ex.GetType().Name}, {ex.Message.Split(". ", 2)[0].TrimEnd('.')}";
            return null;
        }
    }

    /// <summary>
    /// What the server's meters say about the phase between <paramref name="started"/> and
    /// <paramref name="ended"/> (UTC). Waits, a few seconds at most, for the first values published
    /// after the phase, since the cumulative ones are interpolated between the values around each end.
    /// </summary>
    public async Task<PhaseCounters> ReadAsync(DateTime started, DateTime ended, CancellationToken cancellationToken)
    {
        var patience = TimeProvider.System.GetUtcNow().UtcDateTime + 4 * RefreshInterval;
        while (!samples.HasAfter(ended) && TimeProvider.System.GetUtcNow().UtcDateTime < patience && Volatile.Read(ref error) is null && !processing.IsCompleted)
        {
            await Task.Delay(100, cancellationToken);
        }

        if (Volatile.Read(ref error) is { } reason)
        {
            return PhaseCounters.Unavailable(reason);
        }

        return samples.HasAfter(ended) && samples.HasBefore(started)
            ? samples.Phase(started, ended)
            : PhaseCounters.Unavailable(processing.IsFaulted ? $"the event stream failed: {processing.Exception!.GetBaseException().Message}" : "the server published no meter values around the measured phase");
    }

    private void Take(TraceEvent data)
    {
        if (data.ProviderName != Provider || data.PayloadByName("sessionId") is string id && id != sessionId)
        {
            return;
        }

        var at = data.TimeStamp.ToUniversalTime();
        switch (data.EventName)
        {
            case "CounterRateValuePublished":
                // "value" (.NET 8 on) is the counter's running total, which makes a phase's figure the difference of two values.
                if (Number(data, "value") is { } total)
                {
                    samples.AddTotal(Series(data), at, total);
                }

                break;
            case "HistogramValuePublished":
                samples.AddInterval(Series(data), at, Quantiles((string)data.PayloadByName("quantiles")), Count(data), Number(data, "sum") ?? double.NaN);
                break;
            case "Error":
                Volatile.Write(ref error, $"the server's metrics source failed: {data.PayloadByName("errorMessage")}");
                break;
            case "TimeSeriesLimitReached" or "HistogramLimitReached":
                Volatile.Write(ref error, $"the server's metrics source said {data.EventName}");
                break;
            case "MultipleSessionsNotSupportedError" when data.PayloadByName("runningSessionId") is string running && running != sessionId:
                // Sent to every listener when a second session is refused: ours only when another one (dotnet-counters) was there first.
                Volatile.Write(ref error, "another metrics session (dotnet-counters?) was reading the server, and it takes one at a time");
                break;
        }
    }

    private static string Series(TraceEvent data) =>
        $"{data.PayloadByName("meterName")}/{data.PayloadByName("instrumentName")}/{data.PayloadByName("tags")}";

    /// <summary>A payload number: the counters' values come as text, a histogram's sum as a double.</summary>
    private static double? Number(TraceEvent data, string field) => data.PayloadByName(field) switch
    {
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        double value => value,
        _ => null,
    };

    private static long Count(TraceEvent data) => data.PayloadByName("count") is { } count ? Convert.ToInt64(count, CultureInfo.InvariantCulture) : 0;

    /// <summary>"0.5=0.0008;0.95=0.0011;0.99=0.002" into its quantiles (empty for an interval without values).</summary>
    private static Dictionary<double, double> Quantiles(string text)
    {
        var quantiles = new Dictionary<double, double>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var quantile)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                quantiles[quantile] = value;
            }
        }

        return quantiles;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await session.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException or ObjectDisposedException or ServerErrorException)
        {
            // The server has exited already: its stream has ended.
        }

        await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        source.Dispose();
        session.Dispose();
    }
}
