using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OneClick.Benchmarks;

/// <summary>
/// What an operator's telemetry asks of the gateway, stood in for on loopback (issue 24): an OTLP
/// collector over HTTP/protobuf that takes every export (<c>/v1/traces</c>, <c>/v1/metrics</c>) and
/// answers 200 without reading it further, and a Prometheus that scrapes <c>/metrics</c> on the
/// gateway's metrics port every <see cref="ScrapeInterval"/>. Both count what they got, so that the
/// report shows the gateway's telemetry was on and flowing.
/// </summary>
public sealed class TelemetryCollector : IAsyncDisposable
{
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    private readonly WebApplication app;
    private readonly HttpClient scraper = new();
    private readonly CancellationTokenSource stop = new();
    private Task scraping = Task.CompletedTask;
    private long traceExports, traceBytes, metricExports, scrapes, scrapeFailures, scrapeBytes;

    private TelemetryCollector(WebApplication app, int metricsPort, bool traces)
    {
        this.app = app;
        MetricsPort = metricsPort;
        Traces = traces;
    }

    /// <summary>Whether the gateway also traces and exports by OTLP; else its metrics alone, scraped.</summary>
    public bool Traces { get; }

    public Uri OtlpEndpoint { get; private set; } = default!;

    /// <summary>The port the gateway is told to serve <c>/metrics</c> on, and also to listen on.</summary>
    public int MetricsPort { get; }

    /// <summary>The gateway's settings that turn its telemetry on and point it here.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings => Traces
        ? new Dictionary<string, string>
        {
            ["OneClick__Telemetry__MetricsPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OneClick__Telemetry__OtlpEndpoint"] = OtlpEndpoint.ToString(),
            ["OneClick__Telemetry__OtlpProtocol"] = "HttpProtobuf",
            ["OneClick__Telemetry__OtlpMetricsInterval"] = "00:00:05",
        }
        : new Dictionary<string, string>
        {
            ["OneClick__Telemetry__MetricsPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <param name="traces">Whether the gateway traces too (OTLP here); else metrics alone.</param>
    public static async Task<TelemetryCollector> StartAsync(bool traces)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new TelemetryCollector(app, ServerUnderTest.FreePort(), traces);
        app.Run(collector.TakeAsync);
        await app.StartAsync();
        collector.OtlpEndpoint = new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return collector;
    }

    /// <summary>Scrapes the gateway's <c>/metrics</c> until disposed.</summary>
    public void ScrapeFrom(Uri gateway)
    {
        var metrics = new UriBuilder(gateway) { Port = MetricsPort, Path = "/metrics" }.Uri;
        scraping = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(ScrapeInterval);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var page = await scraper.GetByteArrayAsync(metrics, stop.Token);
                    Interlocked.Increment(ref scrapes);
                    Interlocked.Add(ref scrapeBytes, page.Length);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref scrapeFailures);
                }
            }
        });
    }

    /// <summary>One line for the report: what reached the collector and the scraper.</summary>
    public string Summary() => FormattableString.Invariant(
        $"{Interlocked.Read(ref traceExports)} trace exports ({Interlocked.Read(ref traceBytes) / 1024.0:0} KB), {Interlocked.Read(ref metricExports)} metric exports by OTLP; {Interlocked.Read(ref scrapes)} scrapes of /metrics every {ScrapeInterval.TotalSeconds:0} s ({(Interlocked.Read(ref scrapes) == 0 ? 0 : Interlocked.Read(ref scrapeBytes) / Interlocked.Read(ref scrapes) / 1024.0):0} KB each), {Interlocked.Read(ref scrapeFailures)} failed");

    /// <summary>Whether telemetry flowed: metrics scraped and, unless no trace was to be sampled, traces exported.</summary>
    public bool Flowed(bool tracesExpected) => (!Traces || !tracesExpected || Interlocked.Read(ref traceExports) > 0) && Interlocked.Read(ref scrapes) > 0;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await scraping;
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for the next scrape.
        }

        scraper.Dispose();
        stop.Dispose();
        await app.DisposeAsync();
    }

    private async Task TakeAsync(HttpContext context)
    {
        var length = 0L;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            length += read;
        }

        if (context.Request.Path == "/v1/traces")
        {
            Interlocked.Increment(ref traceExports);
            Interlocked.Add(ref traceBytes, length);
        }
        else if (context.Request.Path == "/v1/metrics")
        {
            Interlocked.Increment(ref metricExports);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
