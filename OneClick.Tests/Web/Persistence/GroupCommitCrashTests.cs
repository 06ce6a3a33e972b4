using System.Collections.Concurrent;
using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// The real gateway process is killed (SIGKILL) while buyers fire instant one-click purchases in
/// parallel, so that shared commits are open at the moment it dies: every approval a buyer saw is in
/// the database, and after the restart every approved sale's postback reaches the merchant.
/// </summary>
public sealed class GroupCommitCrashTests : IDisposable
{
    private readonly TemporaryFolder data = new("group-crash");
    private readonly MerchantSite merchant = new();

    public void Dispose()
    {
        merchant.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task Gateway_killed_during_parallel_instant_purchases_loses_no_approved_sale_and_no_postback()
    {
        var settings = GatewayProcess.SettingsFor(merchant, oneClick: true);
        var seen = new ConcurrentBag<string>();

        using (var first = new GatewayProcess(data.Path, settings))
        {
            await first.StartAsync();
            var buyers = new List<(Buyer Buyer, string Token)>();
            for (var i = 0; i < 8; i++)
            {
                var buyer = new Buyer(first.CreateClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }));
                var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: true);
                paid.Heading.ShouldBe("Payment approved");
                var ok = Merchant.VerifiedQuery(paid.RefreshTarget!);
                seen.Add(ok["saleID"]);
                buyers.Add((buyer, ok["oneClickToken"]));
            }

            using var stop = new CancellationTokenSource();
            var killed = false;
            var workers = buyers.Select(b => Task.Run(async () =>
            {
                var token = b.Token;
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var parameters = Merchant.Purchase("1.00");
                        parameters["oneClickToken"] = token;
                        var page = await b.Buyer.StartAsync(parameters);
                        // Until the kill every instant purchase is approved: anything else is a failure of its own.
                        page.Heading.ShouldBe("Payment approved");

                        // Seen by the buyer: from here on the sale must survive anything.
                        var ok = Merchant.VerifiedQuery(page.RefreshTarget!);
                        seen.Add(ok["saleID"]);
                        token = ok["oneClickToken"];
                    }
                    catch (Exception) when (Volatile.Read(ref killed))
                    {
                        return; // the gateway died under this buyer
                    }
                }
            })).ToList();

            await GatewayFactory.EventuallyAsync(() => Task.FromResult(seen.Count >= 80 || workers.Any(w => w.IsFaulted)), "80 sales approved", TimeSpan.FromSeconds(90));
            if (workers.Any(w => w.IsFaulted))
            {
                await Task.WhenAll(workers); // a purchase failed before the kill: its exception says how
            }

            Volatile.Write(ref killed, true);
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var approved = ApprovedSaleIds();
        seen.Except(approved).ShouldBeEmpty("every approval a buyer saw is on disk");

        using var second = new GatewayProcess(data.Path, settings);
        await second.StartAsync();
        await GatewayFactory.EventuallyAsync(
            () => Task.FromResult(approved.All(merchant.PostbackSaleIds().Contains)),
            "every approved sale's postback reached the merchant",
            TimeSpan.FromSeconds(60));
    }

    private List<string> ApprovedSaleIds() => DatabaseFile.FirstColumn(data.Path, "SELECT Id FROM Sales WHERE Result = 'Approved'");
}
