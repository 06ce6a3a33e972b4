using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Account;
using Xunit.Abstractions;

namespace OneClick.Tests.Web.Features.BackOffice.Account;

/// <summary>Tests that measure time: run alone, after the parallel collections, so that no other test's gateway competes for the 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTests
{
    public const string Name = "Timing";
}

/// <summary>
/// Issue 16: "forgot password" answered a real address in 5.4 ms and an unknown one in 2.8 ms, and
/// mailed a real account on every request, limited only per client address.
/// </summary>
[Collection(TimingTests.Name)]
public sealed class ForgotPasswordTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    private readonly ITestOutputHelper output;

    public ForgotPasswordTests(ITestOutputHelper output)
    {
        this.output = output;
        gateway.Set("OneClick:Seed:OwnerEmail", SignInTests.OwnerEmail).Set("OneClick:Seed:OwnerPassword", SignInTests.OwnerPassword)
            .Set("OneClick:PublicUrl", "http://localhost")
            // Timing needs many posts from one address: the per-address sign-in limit is not under test here.
            .Set("OneClick:RateLimits:SignInPerMinute", "100000");
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Answer_takes_the_same_time_for_an_account_and_for_an_unknown_address()
    {
        var browser = Buyer.Of(gateway);
        var form = await browser.GetAsync("/account/forgot-password");
        for (var i = 0; i < 10; i++)
        {
            // Warm-up: the first requests of a process compile and fill caches.
            await TimeAsync(browser, form, SignInTests.OwnerEmail);
            await TimeAsync(browser, form, $"warm-{i}@nowhere.test");
        }

        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            // In pairs, each pair in the other order: whatever else the shared machine does then falls on both alike.
            if (i % 2 == 0)
            {
                known.Add(await TimeAsync(browser, form, SignInTests.OwnerEmail));
                unknown.Add(await TimeAsync(browser, form, $"nobody-{i}@nowhere.test"));
            }
            else
            {
                unknown.Add(await TimeAsync(browser, form, $"nobody-{i}@nowhere.test"));
                known.Add(await TimeAsync(browser, form, SignInTests.OwnerEmail));
            }
        }

        // Medians, not means: a pause of the garbage collector or of another process on this shared
        // 2-core machine moves a mean, hardly a median of 50. And the median of the pairs' differences,
        // not only the difference of the two medians: load comes and goes in phases longer than a pair,
        // so pairing cancels it (the medians alone drifted 1.2 ms apart under the other engineers'
        // builds). The report measured 5.4 ms against 2.8 ms (2.6 ms, 93%); equal work keeps the
        // difference within 1 ms or 30% of the unknown address's median, whichever is wider.
        var (a, b) = (Median(known), Median(unknown));
        var difference = Median([.. known.Zip(unknown, (k, u) => k - u)]);
        output.WriteLine($"median with an account {a:0.00} ms, without {b:0.00} ms, of the differences {difference:0.00} ms");
        Math.Abs(difference).ShouldBeLessThan(Math.Max(1.0, 0.3 * b), $"median with an account {a:0.00} ms, without {b:0.00} ms, of the differences {difference:0.00} ms");
    }

    [Fact]
    public async Task Reset_emails_to_one_address_stop_after_3_an_hour_and_the_page_reads_the_same()
    {
        var browser = Buyer.Of(gateway);
        var form = await browser.GetAsync("/account/forgot-password");

        for (var i = 0; i < 5; i++)
        {
            var page = await browser.SubmitAsync(form, "Send me a link", new() { ["Input.Email"] = SignInTests.OwnerEmail });
            page.Text.ShouldContain("If an account uses this address, we have sent it a link");
        }

        await HandledAsync(gateway);
        (await ResetEmailsAsync()).ShouldBe(3);

        // An hour after the first ones, the address gets one again.
        gateway.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await browser.SubmitAsync(form, "Send me a link", new() { ["Input.Email"] = SignInTests.OwnerEmail });
        await HandledAsync(gateway);
        (await ResetEmailsAsync()).ShouldBe(4);
    }

    /// <summary>Waits until the queued requests are handled (e-mails are written behind the answer).</summary>
    internal static Task HandledAsync(GatewayFactory gateway)
    {
        var queue = gateway.Services.GetRequiredService<PasswordLinkQueue>();
        return GatewayFactory.EventuallyAsync(() => Task.FromResult(queue.Pending == 0), "the forgot-password requests are handled");
    }

    private Task<int> ResetEmailsAsync() =>
        gateway.WithDbAsync(db => db.OutboxEmails.CountAsync(e => e.To == SignInTests.OwnerEmail && e.Subject.StartsWith("Reset")));

    private static async Task<double> TimeAsync(Buyer browser, Page form, string email)
    {
        var started = Stopwatch.GetTimestamp();
        var page = await browser.SubmitAsync(form, "Send me a link", new() { ["Input.Email"] = email });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        page.Text.ShouldContain("If an account uses this address");
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }
}
