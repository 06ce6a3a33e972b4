using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace OneClick.Tests.Web.Features.Telemetry;

/// <summary>
/// Whose trace a purchase is in: its own, whatever a caller sends (a client could otherwise choose the
/// trace id the order keeps and the merchant receives, and force sampling); and with sampling at the
/// head, a purchase left out is left out whole, its payment and postback included.
/// </summary>
[Collection(ProcessWideTelemetry.Name)]
public sealed class TraceContextTests : IDisposable
{
    private const string ForgedTraceId = "0af7651916cd43dd8448eb211c80319c";

    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly ExportedSpanCollection spans = new();

    public TraceContextTests()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
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
    public async Task Startorder_with_a_callers_traceparent_starts_a_trace_of_its_own()
    {
        var buyer = Buyer.Of(gateway);
        buyer.Client.DefaultRequestHeaders.Add("traceparent", $"00-{ForgedTraceId}-b7ad6b7169203331-01");
        buyer.Client.DefaultRequestHeaders.Add("baggage", "merchant=evil");

        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");

        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        order.TraceParent.ShouldNotBeNull();
        order.TraceParent.ShouldNotContain(ForgedTraceId);
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.PostbackTraceParents.IsEmpty), "the postback arrives");
        merchant.PostbackTraceParents.ShouldHaveSingleItem()!.ShouldNotContain(ForgedTraceId);
        spans.ShouldNotContain(s => s.TraceId.ToHexString() == ForgedTraceId);
    }

    [Fact]
    public async Task Purchase_left_out_by_the_sample_ratio_is_left_out_whole()
    {
        gateway.Set("OneClick:Telemetry:TraceSampleRatio", "0");
        var buyer = Buyer.Of(gateway);

        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");

        await GatewayFactory.EventuallyAsync(
            async () => await gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.State == PostbackState.Delivered)) == 1,
            "the postback is delivered");
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        order.TraceParent.ShouldNotBeNull("kept, marked not sampled, so that what follows is left out too");
        ActivityContext.Parse(order.TraceParent, null).TraceFlags.HasFlag(ActivityTraceFlags.Recorded).ShouldBeFalse();
        spans.ShouldNotContain(s => s.Source.Name == "OneClick", "no payment, acquirer, write turn or delivery span");
    }
}
