using System.Net;
using Microsoft.Data.Sqlite;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>The gateway process is killed while buyers are paying; after the restart no approved sale's postback is missing.</summary>
public sealed class PostbackCrashTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "oneclick-tests", "crash-" + Guid.NewGuid().ToString("N"));
    private readonly MerchantSite merchant = new();

    public void Dispose()
    {
        merchant.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
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
        var settings = new Dictionary<string, string>
        {
            ["OneClick__Seed__ShopId"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OneClick__Seed__SignatureKey"] = GatewayFactory.SignatureKey,
            ["OneClick__Seed__WebsiteUrl"] = merchant.BaseUrl + "/",
            ["OneClick__Seed__PostbackUrl"] = merchant.PostbackUrl,
            ["OneClick__Seed__AllowedRedirectHosts__0"] = new Uri(merchant.BaseUrl).Authority,
            ["OneClick__RateLimits__StartOrderPerMinute"] = "100000",
            ["OneClick__RateLimits__PaymentPerMinute"] = "100000",
            ["OneClick__RateLimits__StartOrderPerShopPerMinute"] = "100000",
            ["OneClick__Postbacks__SweepInterval"] = "00:00:01",
            // Plain HTTP, as every test host: a client keeps no Secure cookie there (antiforgery's included).
            ["OneClick__SecureCookies"] = "false",
        };

        using (var first = new GatewayProcess(dataDirectory, settings))
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

        using var second = new GatewayProcess(dataDirectory, settings);
        await second.StartAsync();
        await GatewayFactory.EventuallyAsync(
            () => Task.FromResult(approvedBeforeRestart.All(ReceivedSaleIds().Contains)),
            "every approved sale's postback reached the merchant",
            TimeSpan.FromSeconds(30));
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(UndeliveredPostbacks() == 0), "every postback is marked delivered");
    }

    private HashSet<string> ReceivedSaleIds() => merchant.Postbacks
        .Select(p => Merchant.ParseQuery(p.Url.Query).GetValueOrDefault("saleID"))
        .OfType<string>()
        .ToHashSet();

    private List<string> ApprovedSaleIds() => Query("SELECT Id FROM Sales WHERE Result = 'Approved'");

    private int UndeliveredPostbacks() => Query("SELECT Id FROM PostbackDeliveries WHERE State <> 'Delivered'").Count;

    private List<string> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "oneclick.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
