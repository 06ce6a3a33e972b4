namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// The <c>OneClick:Telemetry</c> settings (README "Operating OneClick"). With none of them set nothing
/// is collected or exported: the instruments and spans cost a check each.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "OneClick:Telemetry";

    /// <summary>
    /// The port <c>/metrics</c> (Prometheus text) answers on: one the gateway also listens on (give it in
    /// <c>ASPNETCORE_URLS</c> with the buyers' one) and that only the operator's network reaches. Nothing
    /// else is served on it, and <c>/metrics</c> nowhere else. Null: no <c>/metrics</c>.
    /// </summary>
    public int? MetricsPort { get; set; }

    /// <summary>An OpenTelemetry collector to push metrics and traces to (OTLP); else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// <c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318, paths <c>/v1/traces</c> and <c>/v1/metrics</c>);
    /// unset, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> decides (<c>http/protobuf</c>), else gRPC.
    /// </summary>
    public OtlpTransport? OtlpProtocol { get; set; }

    /// <summary>Records spans even with no collector (for an exporter added in code, such as a test's); on whenever <see cref="OtlpEndpoint"/> is set.</summary>
    public bool Tracing { get; set; }

    /// <summary>
    /// The share of purchases traced, from 0 to 1 (a trace's later requests follow its first's choice).
    /// A ratio, not money.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The <c>service.name</c> every metric and span carries; each node adds its own <c>service.instance.id</c>.</summary>
    public string ServiceName { get; set; } = "oneclick";

    /// <summary>How often metrics are pushed to the collector.</summary>
    public TimeSpan OtlpMetricsInterval { get; set; } = TimeSpan.FromSeconds(15);

    public bool MetricsOn => MetricsPort is not null || OtlpEndpoint is not null;

    public bool TracingOn => Tracing || OtlpEndpoint is not null;

    /// <summary>What is wrong with the settings, each saying what to fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MetricsPort is < 1 or > 65535)
        {
            problems.Add($"{Section}:MetricsPort is {MetricsPort}: give a TCP port from 1 to 65535 that the gateway also listens on, or leave it out.");
        }

        if (TraceSampleRatio is < 0 or > 1 || double.IsNaN(TraceSampleRatio))
        {
            problems.Add($"{Section}:TraceSampleRatio is {TraceSampleRatio}: give a share from 0 (none) to 1 (every purchase).");
        }

        return problems;
    }
}

public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}
