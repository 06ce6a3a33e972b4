using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OneClick.Tests.Web.Features.Telemetry;

/// <summary>
/// One purchase is one trace: the startorder's request, the payment posted later from the order page,
/// the acquirer's call, the write turn that commits it, and the postback's delivery, whose request
/// carries the trace to the merchant (<c>traceparent</c>). Spans are read by the SDK's in-memory
/// exporter; other gateways of the run may add spans of their own, so only this purchase's trace is read.
/// </summary>
[Collection(ProcessWideTelemetry.Name)]
public sealed class PurchaseTraceTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly ExportedSpanCollection spans = new();

    public PurchaseTraceTests()
    {
        gateway.Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Telemetry:Tracing", "true")
            .AllowRedirectsTo(merchant.BaseUrl)
            .WithServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Card_purchase_is_one_trace_from_startorder_to_postback_and_the_merchant_receives_it()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());
        (await buyer.PayAsync(page)).Heading.ShouldBe("Payment approved");
        await GatewayFactory.EventuallyAsync(
            async () => await gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.State == PostbackState.Delivered)) == 1,
            "the postback is delivered");
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        var startorder = spans.Where(s => s.GetTagItem("url.path") as string == "/startorder").ShouldHaveSingleItem();
        var trace = startorder.TraceId;
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(spans.Any(s => s.TraceId == trace && s.DisplayName == "postback delivery")), "the delivery's span has ended");

        // The form post's own span ends after its answer is sent: waited for, not assumed.
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(spans.Any(s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /order/{OrderId}")), "the payment request's span has ended");
        var purchase = spans.Where(s => s.TraceId == trace).ToList();
        var names = purchase.Select(s => s.DisplayName).ToList();
        names.ShouldContain("payment");
        names.ShouldContain("acquirer authorize");
        names.ShouldContain("write turn");
        names.ShouldContain("postback delivery");
        var payment = purchase.Single(s => s.DisplayName == "payment");
        payment.ParentSpanId.ShouldBe(startorder.SpanId, "the payment, posted on another request, joins the startorder's trace");
        payment.GetTagItem("oneclick.order.id").ShouldBe(order.Id);
        // Linked to the form post that paid, a trace of its own: its span, or Blazor's submit event, which links to it in turn.
        var linked = spans.Single(s => s.SpanId == payment.Links.ShouldHaveSingleItem().Context.SpanId);
        linked.TraceId.ShouldNotBe(trace);
        var posts = linked.Kind == ActivityKind.Server ? [linked] : spans.Where(s => linked.Links.Any(l => l.Context.SpanId == s.SpanId)).ToList();
        posts.ShouldContain(s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /order/{OrderId}");
        purchase.Single(s => s.DisplayName == "acquirer authorize").ParentSpanId.ShouldBe(payment.SpanId);
        purchase.ShouldContain(s => s.DisplayName == "write turn" && s.ParentSpanId == payment.SpanId, "the settlement's commit is in the payment");
        var delivery = purchase.Single(s => s.DisplayName == "postback delivery");
        delivery.ParentSpanId.ShouldBe(payment.SpanId, "the postback written with the approval keeps the payment's span");

        var sent = merchant.PostbackTraceParents.ShouldHaveSingleItem();
        sent.ShouldNotBeNull("the merchant receives traceparent");
        ActivityContext.Parse(sent, null).TraceId.ShouldBe(trace);
        var client = purchase.Single(s => s.Kind == ActivityKind.Client && s.SpanId == ActivityContext.Parse(sent, null).SpanId);
        client.ParentSpanId.ShouldBe(delivery.SpanId);
        order.TraceParent.ShouldStartWith($"00-{trace}-");
    }

    [Fact]
    public async Task Instant_one_click_purchase_is_one_trace_with_its_postback()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: true);
        var token = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];

        var instant = await buyer.StartAsync(new Dictionary<string, string>(Merchant.Purchase()) { ["oneClickToken"] = token });

        instant.Heading.ShouldBe("Payment approved");
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(merchant.PostbackTraceParents.Count == 2), "both postbacks arrive");
        var trace = ActivityContext.Parse(merchant.PostbackTraceParents.Last()!, null).TraceId;
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(spans.Any(s => s.TraceId == trace && s.DisplayName == "postback delivery")), "the delivery's span has ended");
        var purchase = spans.Where(s => s.TraceId == trace).ToList();
        var startorder = purchase.Single(s => s.GetTagItem("url.path") as string == "/startorder");
        var payment = purchase.Single(s => s.DisplayName == "instant one-click payment");
        payment.ParentSpanId.ShouldBe(startorder.SpanId);
        payment.Links.ShouldBeEmpty("paid on the startorder's own request");
        purchase.ShouldContain(s => s.DisplayName == "acquirer authorize" && s.ParentSpanId == payment.SpanId);
        purchase.Single(s => s.DisplayName == "postback delivery").ParentSpanId.ShouldBe(payment.SpanId);
    }
}
