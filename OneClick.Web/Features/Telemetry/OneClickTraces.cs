using System.Diagnostics;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;

namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// The gateway's own spans (README "Operating OneClick"). A purchase is one trace: the startorder's
/// request starts it and the order keeps it (<see cref="Order.TraceParent"/>); a payment made on a later
/// request (the order page's form, the 3-D Secure answer) joins it, linked to that request's own span;
/// the postback written with the approval keeps the payment's span, and its delivery from the
/// dispatcher joins it and hands <c>traceparent</c> on to the merchant. With no listener (tracing off)
/// no span is made and nothing is stored.
/// </summary>
public static class OneClickTraces
{
    public const string SourceName = "OneClick";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// The span running now, as a traceparent to keep, while the gateway traces. A span the sampler
    /// dropped is kept too: its flags say "not sampled", so the payment and the postback that join it
    /// are dropped alike, and a purchase is traced whole or not at all.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Source.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A payment of <paramref name="order"/>: a child of the span running now, or of the order's trace when this request is another one.</summary>
    public static Activity? StartPayment(Order order, string name = "payment")
    {
        var activity = StartIn(name, order.TraceParent);
        activity?.SetTag("oneclick.order.id", order.Id);
        activity?.SetTag("oneclick.shop.id", order.ShopId);
        return activity;
    }

    /// <summary>A postback's delivery, in the trace of the payment that wrote it.</summary>
    public static Activity? StartDelivery(PostbackDelivery delivery)
    {
        var activity = StartIn("postback delivery", delivery.TraceParent);
        activity?.SetTag("oneclick.postback.id", delivery.Id);
        activity?.SetTag("oneclick.postback.kind", delivery.Kind.ToString());
        activity?.SetTag("oneclick.shop.id", delivery.ShopId);
        return activity;
    }

    /// <summary>A span of its own under the one running now (an acquirer call, a write turn).</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Source.HasListeners() ? Source.StartActivity(name, kind) : null;

    private static Activity? StartIn(string name, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        if (traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: false, out var kept)
            && (current is null || current.TraceId != kept.TraceId))
        {
            // Another request, or a job: the purchase's trace is the parent, this request's span a link.
            ActivityLink[]? links = current is null ? null : [new ActivityLink(current.Context)];
            return Source.StartActivity(name, ActivityKind.Internal, kept, tags: null, links: links);
        }

        return Source.StartActivity(name);
    }
}
