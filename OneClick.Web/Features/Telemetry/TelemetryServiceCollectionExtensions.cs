using OneClick.Web.Hosting;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OneClick.Web.Features.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The gateway's metrics and spans, and OpenTelemetry to export them when the settings ask for it
    /// (<see cref="TelemetryOptions"/>): Prometheus on the metrics port, OTLP to a collector.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.OtlpEndpoint is null && Uri.TryCreate(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out var fromEnvironment))
        {
            options.OtlpEndpoint = fromEnvironment;
        }

        options.OtlpProtocol ??= configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is "http/protobuf" ? OtlpTransport.HttpProtobuf : OtlpTransport.Grpc;
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        services.AddSingleton(options);
        services.AddSingleton<OneClickMetrics>();
        // ASP.NET Core's hosting reads a request's trace context through this: never from the caller.
        services.AddSingleton<System.Diagnostics.DistributedContextPropagator, OwnTracesOnly>();
        if (!options.MetricsOn && !options.TracingOn)
        {
            return services;
        }

        // A node's instance id is its job server's name, which the Jobs page shows (with Hangfire's unique part after it).
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource =>
            resource.AddService(options.ServiceName, serviceInstanceId: Scheduling.ServerName));
        if (options.MetricsOn)
        {
            telemetry.WithMetrics(metrics =>
            {
                // Not HttpClient's metrics: they are labelled with the host called, a merchant's postback host.
                metrics.AddMeter(OneClickMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.MetricsPort is not null)
                {
                    metrics.AddPrometheusExporter();
                }

                if (options.OtlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        Point(exporter, options, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpMetricsInterval.TotalMilliseconds;
                    });
                }
            });
        }

        if (options.TracingOn)
        {
            // OpenTelemetry's ASP.NET Core instrumentation reads the caller's context itself through this
            // (process-wide) propagator unless it is the plain W3C one, which leaves it to hosting, and so
            // to OwnTracesOnly. The gateway's own outgoing requests still carry traceparent.
            Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(OneClickTraces.SourceName)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => Traced(http.Request.Path))
                    .AddHttpClientInstrumentation();
                if (options.OtlpEndpoint is not null)
                {
                    tracing.AddOtlpExporter(exporter => Point(exporter, options, "v1/traces"));
                }
            });
        }

        return services;
    }

    /// <summary>
    /// Serves <c>/metrics</c> on the metrics port alone, and nothing else there but the health probes:
    /// the buyers' port never shows the figures, and the operator's port never shows a page.
    /// </summary>
    public static IApplicationBuilder UseMetricsPort(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<TelemetryOptions>();
        if (options.MetricsPort is not { } port)
        {
            return app;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Connection.LocalPort == port && http.Request.Path == "/metrics");
        return app.Use((http, next) =>
        {
            var onMetricsPort = http.Connection.LocalPort == port;
            if ((onMetricsPort && !http.Request.Path.StartsWithSegments("/health")) || (!onMetricsPort && http.Request.Path.StartsWithSegments("/metrics")))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }

    /// <summary>The requests worth a trace: not the files, the circuits' traffic, health probes or scrapes.</summary>
    private static bool Traced(PathString path) =>
        !path.StartsWithSegments("/_blazor") && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content")
        && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics")
        && !path.StartsWithSegments("/css") && !path.StartsWithSegments("/js")
        && (path.StartsWithSegments("/api") || !Path.HasExtension(path.Value)); // an API order id may hold a dot

    private static void Point(OtlpExporterOptions exporter, TelemetryOptions options, string httpPath)
    {
        var endpoint = options.OtlpEndpoint!;
        if (options.OtlpProtocol == OtlpTransport.HttpProtobuf)
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            // Given as the collector's base address, as OTEL_EXPORTER_OTLP_ENDPOINT is: each signal has its path.
            exporter.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + httpPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }
    }
}
