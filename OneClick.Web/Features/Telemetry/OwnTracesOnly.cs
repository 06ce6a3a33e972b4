using System.Diagnostics;

namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// How the gateway's requests take a trace context from their callers: they do not. A buyer's browser
/// or anyone on the internet could otherwise pick the trace id an order keeps and passes on to the
/// merchant, force every request of theirs to be sampled whatever <c>TraceSampleRatio</c> says (the
/// collector's bill), and put baggage on the gateway's own outgoing calls. Each purchase starts a trace
/// of its own; the gateway's outgoing requests (a postback) still carry <c>traceparent</c>.
/// </summary>
public sealed class OwnTracesOnly : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Outgoing = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Outgoing.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        Outgoing.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
