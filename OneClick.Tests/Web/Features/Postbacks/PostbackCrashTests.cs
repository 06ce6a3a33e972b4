using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>
/// The gateway process is killed while buyers are paying; after the restart no approved sale's
/// postback is missing: the restarted process takes over the dead one's claims once they lapse (decision 029).
/// </summary>
public sealed class PostbackCrashTests : IDisposable
{
    private readonly TemporaryFolder data = new("crash");
    private readonly MerchantSite merchant = new();

    public void Dispose()
    {
        merchant.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task Gateway_killed_during_sales_delivers_every_approved_sales_postback_after_restart()
    {
        // Until the crash the merchant's endpoint hangs, so no postback is acknowledged before it:
        // whatever reaches the merchant after the restart came out of the outbox.
        using var beforeCrash = new CancellationTokenSource();
        merchant.AnswerPostback = async _ =>
        {
            await Task.Delay(Timeout.Infinite, beforeCrash.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return beforeCrash.IsCancellationRequested ? (503, "restarting") : (200, "OK");
        };
        var settings = GatewayProcess.SettingsFor(merchant);

        using (var first = new GatewayProcess(data.Path, settings))
        {
            await first.StartAsync();
            using var stop = new CancellationTokenSource();
            var approvals = 0;
            var buyers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var buyer = new Buyer(first.CreateClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }));
                        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
                        if (page.Heading == "Payment approved")
                        {
                            Interlocked.Increment(ref approvals);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or Shouldly.ShouldAssertException or InvalidOperationException)
                    {
                        // The gateway died under this buyer.
                    }
                }
            })).ToList();

            await GatewayFactory.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref approvals) >= 20), "20 sales approved", TimeSpan.FromSeconds(60));
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(buyers);
        }

        await beforeCrash.CancelAsync();
        while (merchant.Postbacks.TryDequeue(out _))
        {
        }

        merchant.AnswerPostback = _ => Task.FromResult((200, "OK"));

        var approvedBeforeRestart = ApprovedSaleIds();
        approvedBeforeRestart.Count.ShouldBeGreaterThanOrEqualTo(20);

        using var second = new GatewayProcess(data.Path, settings);
        await second.StartAsync();
        await GatewayFactory.EventuallyAsync(
            () => Task.FromResult(approvedBeforeRestart.All(merchant.PostbackSaleIds().Contains)),
            "every approved sale's postback reached the merchant",
            TimeSpan.FromSeconds(30));
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(UndeliveredPostbacks() == 0), "every postback is marked delivered");
    }

    [Fact]
    public async Task Delivery_that_failed_before_a_kill_is_retried_by_the_sweep_after_the_restart_on_its_schedule()
    {
        merchant.AnswerPostback = _ => Task.FromResult((503, "Down for maintenance"));
        var settings = GatewayProcess.SettingsFor(merchant);
        using (var first = new GatewayProcess(data.Path, settings))
        {
            await first.StartAsync();
            first.Kill();
        }

        // The shop retries 15 s after a failure: long enough that the restarted gateway's look at start
        // finds nothing due yet (checked below), so that the recurring sweep is what finds it.
        await DatabaseFile.ExecuteAsync(data.Path, "UPDATE Shops SET PostbackRetrySchedule = '15'");
        using (var second = new GatewayProcess(data.Path, settings))
        {
            await second.StartAsync();
            var buyer = new Buyer(second.CreateClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }));
            (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");
            await GatewayFactory.EventuallyAsync(() => Task.FromResult(AttemptTimes().Count == 1), "the first attempt failed and is recorded");
            second.Kill();
        }

        merchant.AnswerPostback = _ => Task.FromResult((200, "OK"));
        using var third = new GatewayProcess(data.Path, settings);
        await third.StartAsync();
        var ready = DateTime.UtcNow;

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(UndeliveredPostbacks() == 0), "the retry after the restart is acknowledged", TimeSpan.FromSeconds(30));
        var attempts = AttemptTimes();
        attempts.Count.ShouldBe(2);
        ready.ShouldBeLessThan(attempts[0] + TimeSpan.FromSeconds(15), "the restarted gateway was up before the retry was due: its look at start could not have sent it");
        (attempts[1] - attempts[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(15), "the retry waited for its schedule");
    }

    private List<DateTime> AttemptTimes() => DatabaseFile.FirstColumn(data.Path, "SELECT StartedAt FROM PostbackAttempts ORDER BY Id")
        .Select(t => DateTime.Parse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal))
        .ToList();

    private List<string> ApprovedSaleIds() => DatabaseFile.FirstColumn(data.Path, "SELECT Id FROM Sales WHERE Result = 'Approved'");

    private int UndeliveredPostbacks() => DatabaseFile.FirstColumn(data.Path, "SELECT Id FROM PostbackDeliveries WHERE State <> 'Delivered'").Count;
}
