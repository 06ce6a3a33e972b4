using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Telemetry;

/// <summary>
/// <c>/metrics</c> on the operators' port (Prometheus text): a purchase moves the counters and
/// histograms, each sale counted once, and no label names a card, a token or a buyer.
/// </summary>
[Collection(ProcessWideTelemetry.Name)]
public sealed class MetricsEndpointTests : IDisposable
{
    private const string Email = "jane.metrics@example.test";

    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly int metricsPort = LoopbackPort.Free();
    private readonly HttpClient operators = new();
    private readonly Uri publicBase;

    public MetricsEndpointTests()
    {
        gateway.Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Telemetry:MetricsPort", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .AllowRedirectsTo(merchant.BaseUrl);
        publicBase = gateway.StartOnKestrel(alsoOnPort: metricsPort);
    }

    public void Dispose()
    {
        operators.Dispose();
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Purchases_move_the_counters_and_histograms_and_no_label_names_a_card_token_or_buyer()
    {
        var before = await ScrapeAsync();
        // Over Kestrel, as a browser: the buyer's own client, following no redirect and keeping cookies.
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = publicBase };
        var buyer = new Buyer(browser);

        var first = await buyer.PayAsync(await buyer.StartAsync(WithEmail(Merchant.Purchase())), remember: true);
        first.Heading.ShouldBe("Payment approved");
        var token = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        var instant = await buyer.StartAsync(new Dictionary<string, string>(Merchant.Purchase()) { ["oneClickToken"] = token });
        instant.Heading.ShouldBe("Payment approved");
        var guessed = await buyer.StartAsync(new Dictionary<string, string>(Merchant.Purchase()) { ["oneClickToken"] = "not-a-token-anyone-was-given" });
        guessed.Heading.ShouldNotBe("Payment approved");
        await GatewayFactory.EventuallyAsync(
            async () => await gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.State == PostbackState.Delivered)) == 2,
            "both sales' postbacks are delivered");

        PrometheusScrape after = null!;
        await GatewayFactory.EventuallyAsync(async () =>
        {
            // The exporter answers a scrape from a copy it keeps for a moment: read until the last delivery shows.
            after = await ScrapeAsync();
            return Moved(after, before, "oneclick_postback_deliveries_total", "outcome=delivered") >= 2;
        }, "the deliveries show on /metrics");

        Moved(after, before, "oneclick_orders_started_total", "channel=startorder").ShouldBe(3);
        Moved(after, before, "oneclick_sales_total", "result=approved", "channel=card", "reason=none").ShouldBe(1);
        Moved(after, before, "oneclick_sales_total", "result=approved", "channel=instant_one_click").ShouldBe(1);
        Moved(after, before, "oneclick_payment_duration_seconds_count", "result=approved").ShouldBe(2);
        Moved(after, before, "oneclick_acquirer_duration_seconds_count", "operation=authorize", "outcome=approved").ShouldBe(2);
        Moved(after, before, "oneclick_postback_lag_seconds_count", "kind=sale").ShouldBe(2);
        Moved(after, before, "oneclick_tokens_spent_total").ShouldBe(1);
        Moved(after, before, "oneclick_tokens_refused_total", "reason=unknown").ShouldBe(1);
        Moved(after, before, "oneclick_write_turn_wait_seconds_count").ShouldBeGreaterThanOrEqualTo(4);
        Moved(after, before, "oneclick_write_commit_duration_seconds_count").ShouldBeGreaterThanOrEqualTo(1);
        after.Sum("oneclick_payment_duration_seconds_bucket", "result=approved", "le=+Inf").ShouldBeGreaterThanOrEqualTo(2);

        var labels = after.Samples.SelectMany(s => s.Labels.Values).Distinct().ToList();
        var sale = await gateway.WithDbAsync(db => db.Sales.OrderBy(s => s.Id).FirstAsync());
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == sale.OrderId));
        foreach (var secret in new[] { "4242424242424242", "4242 4242 4242 4242", sale.TruncatedPan, token, Email, order.Id })
        {
            labels.ShouldNotContain(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase), $"a label carries {secret}");
        }

        after.Text.ShouldNotContain(Email);
        after.Text.ShouldNotContain(token);
        var merchantPort = merchant.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        after.Samples.ShouldNotContain(s => s.Labels.Values.Contains(merchantPort), "no label names the merchant's postback host or port");
        after.Samples.ShouldContain(s => s.Name == "oneclick_outbox_due" && s.Labels["kind"] == "postback", "the outbox sweep (every second here) reports what is due");
    }

    [Fact]
    public async Task Metrics_on_the_public_port_stay_hidden_whatever_host_the_request_names()
    {
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(publicBase, "/metrics"));
        spoofed.Headers.Host = $"127.0.0.1:{metricsPort}";

        (await operators.SendAsync(spoofed)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Metrics_answer_on_the_metrics_port_only_and_that_port_serves_nothing_else()
    {
        (await operators.GetAsync(new Uri(publicBase, "/metrics"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var scraped = await operators.GetAsync(MetricsUrl);
        scraped.StatusCode.ShouldBe(HttpStatusCode.OK);
        scraped.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await operators.GetAsync($"http://127.0.0.1:{metricsPort}/startorder")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await operators.GetAsync($"http://127.0.0.1:{metricsPort}/account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await operators.GetAsync($"http://127.0.0.1:{metricsPort}/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Uri MetricsUrl => new($"http://127.0.0.1:{metricsPort}/metrics");

    private static Dictionary<string, string> WithEmail(Dictionary<string, string> parameters) => new(parameters) { ["email"] = Email };

    private static double Moved(PrometheusScrape after, PrometheusScrape before, string name, params string[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    private async Task<PrometheusScrape> ScrapeAsync()
    {
        using var response = await operators.GetAsync(MetricsUrl);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }
}
