using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// Two gateway nodes on one PostgreSQL database behind HAProxy (scripts/two-nodes.sh, decision 030),
/// over real HTTP: what one node does, the other must not do again, and what one starts, the other can finish.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in DisposeAsync (IAsyncLifetime), which xUnit calls.")]
public sealed class TwoNodesTests : IAsyncLifetime
{
    private readonly MerchantSite merchant = new();
    private TwoNodes? nodes;

    private TwoNodes Nodes => nodes ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        if (TestDatabase.PostgreSqlUnreachable is not null)
        {
            return; // the tests say why they are skipped
        }

        var settings = GatewayProcess.SettingsFor(merchant, oneClick: true);
        settings["OneClick__Seed__ApiKey"] = MerchantApi.SeededKey;
        nodes = new TwoNodes(settings);
        await nodes.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (nodes is not null)
        {
            await nodes.DisposeAsync();
        }

        merchant.Dispose();
    }

    [PostgreSqlFact]
    public async Task Buyer_whose_requests_alternate_between_the_nodes_pays()
    {
        // The order page's form (and its antiforgery token) comes from one node and is posted to the other.
        var buyer = new Buyer(Nodes.AlternatingClient(new CookieContainer()));

        var approved = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase("4.00")));

        approved.Heading.ShouldBe("Payment approved");
        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Sales\" WHERE \"Amount\" = 4.00 AND \"Result\" = 'Approved'")).ShouldBe(1);
    }

    [PostgreSqlFact]
    public async Task Token_fired_200_times_through_the_balancer_is_charged_once()
    {
        var cookies = new CookieContainer();
        var first = await new Buyer(Nodes.AlternatingClient(cookies)).PayAsync(await new Buyer(Nodes.AlternatingClient(cookies)).StartAsync(Merchant.Purchase()));
        first.Heading.ShouldBe("Payment approved");
        var parameters = Merchant.Purchase("1.00");
        parameters["oneClickToken"] = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        var url = Merchant.StartOrderUrl(parameters);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            // A connection of its own each, so that the balancer spreads them over both nodes.
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = Nodes.Balancer };
            return (await client.GetAsync(url)).StatusCode;
        }));

        responses.ShouldAllBe(status => status == HttpStatusCode.SeeOther);
        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Sales\" WHERE \"Amount\" = 1.00")).ShouldBe(1);
        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Sales\" WHERE \"InstantOneClick\"")).ShouldBe(1);
    }

    [PostgreSqlFact]
    public async Task Same_idempotency_key_on_both_nodes_executes_once()
    {
        var site = merchant.BaseUrl;
        var body = MerchantApi.OrderBody("order-both", resultUrl: site + "/result", cancelUrl: site + "/cancel").ToJsonString();
        MerchantApi Api(int node) => new(new HttpClient { BaseAddress = Nodes.Node(node) });

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Api((i % 2) + 1).PostRawAsync("/api/v1/orders/hpp", body, "key-both")));

        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Orders\" WHERE \"ReferenceId\" = 'order-both'")).ShouldBe(1);
        var executed = answers.Where(a => a.Status == HttpStatusCode.OK && !a.Replayed).ShouldHaveSingleItem();
        // The others got the first answer again, or were told that it was still being made.
        answers.Where(a => a.Status == HttpStatusCode.OK).ShouldAllBe(a => a.Body == executed.Body);
        answers.Where(a => a.Status != HttpStatusCode.OK).ShouldAllBe(a => a.Status == HttpStatusCode.Conflict && a.Body.Contains("idempotency-key-in-progress"));
        foreach (var node in new[] { 1, 2 })
        {
            var again = await Api(node).PostRawAsync("/api/v1/orders/hpp", body, "key-both");
            again.Replayed.ShouldBeTrue();
            again.Body.ShouldBe(executed.Body);
        }
    }

    [PostgreSqlFact]
    public async Task Shop_changed_by_another_node_is_seen_within_the_snapshot_lifetime()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Nodes.Node(2) };
        var url = Merchant.StartOrderUrl(Merchant.Purchase());
        (await client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.SeeOther, "node 2 has read the shop, and keeps it");

        // Committed as node 1 would commit it: node 2 is not told.
        (await Nodes.ScalarAsync("WITH changed AS (UPDATE \"Shops\" SET \"IsActive\" = FALSE RETURNING 1) SELECT COUNT(*) FROM changed")).ShouldBe(1);

        // ShopSnapshots.PostgreSqlLifetime is 5 s: node 2 refuses the shop soon after.
        await GatewayFactory.EventuallyAsync(
            async () => (await client.GetAsync(url)).StatusCode == HttpStatusCode.BadRequest,
            "node 2 refuses the deactivated shop",
            TimeSpan.FromSeconds(15));
    }

    [PostgreSqlFact]
    public async Task Each_recurring_job_runs_once_per_schedule_across_the_nodes()
    {
        // The outbox sweep is due every second (GatewayProcess.SettingsFor): both nodes' schedulers see
        // each occurrence. Hangfire writes the occurrence a run is for as its "Time" parameter.
        const string Occurrences = """
            FROM hangfire.jobparameter t
            WHERE t.name = 'Time' AND t.jobid IN (SELECT jobid FROM hangfire.jobparameter WHERE name = 'RecurringJobId' AND value = '"outbox-sweep"')
            """;
        await GatewayFactory.EventuallyAsync(async () => await Nodes.ScalarAsync("SELECT COUNT(*) " + Occurrences) >= 8, "eight outbox sweeps ran", TimeSpan.FromSeconds(60));

        (await Nodes.ScalarAsync($"SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n {Occurrences} GROUP BY t.value) runs"))
            .ShouldBe(1, "no occurrence of the schedule was run by both nodes");
    }

    [PostgreSqlFact]
    public async Task Node_killed_under_load_leaves_the_other_going_and_every_approved_sale_posted_back_once_charged()
    {
        using var stop = new CancellationTokenSource();
        var approvals = 0;
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var buyers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Nodes.Balancer };
                    var buyer = new Buyer(client);
                    if ((await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading == "Payment approved")
                    {
                        Interlocked.Increment(ref approvals);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or Shouldly.ShouldAssertException or InvalidOperationException)
                {
                    // The node died under this buyer, or the balancer had not yet seen it die (counted, for a failure's message).
                    failures.AddOrUpdate($"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}", 1, (_, n) => n + 1);
                }
            }
        })).ToList();

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref approvals) >= 20), "20 sales approved on two nodes", TimeSpan.FromSeconds(90));
        await Nodes.KillAsync(1);
        var atKill = Volatile.Read(ref approvals);
        try
        {
            await GatewayFactory.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref approvals) >= atKill + 20), "20 more sales approved by the node left", TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException stuck)
        {
            var seen = string.Join('\n', failures.OrderByDescending(f => f.Value).Take(10).Select(f => $"{f.Value} × {f.Key}"));
            throw new TimeoutException($"{stuck.Message} ({Volatile.Read(ref approvals) - atKill} since the kill). The buyers' failures:\n{seen}\nNode 2's log:\n{Nodes.LogTail(2)}", stuck);
        }
        await stop.CancelAsync();
        await Task.WhenAll(buyers);

        var approved = await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Sales\" WHERE \"Result\" = 'Approved'");
        approved.ShouldBeGreaterThanOrEqualTo(40);
        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM (SELECT \"OrderId\" FROM \"Sales\" GROUP BY \"OrderId\" HAVING COUNT(*) > 1) twice")).ShouldBe(0, "no order was charged twice");
        // The dead node's claims lapse (15 s with the test's margin) and the node left sends them.
        await GatewayFactory.EventuallyAsync(
            async () => await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"PostbackDeliveries\" WHERE \"State\" <> 'Delivered'") == 0,
            "every postback delivered",
            TimeSpan.FromSeconds(90));
        (await Nodes.ScalarAsync("SELECT COUNT(*) FROM \"Sales\" s WHERE s.\"Result\" = 'Approved' AND NOT EXISTS (SELECT 1 FROM \"PostbackDeliveries\" d WHERE d.\"SaleId\" = s.\"Id\" AND d.\"Kind\" = 'Sale')"))
            .ShouldBe(0, "every approved sale has its postback");
        merchant.PostbackSaleIds().Count.ShouldBe((int)approved);
    }
}
