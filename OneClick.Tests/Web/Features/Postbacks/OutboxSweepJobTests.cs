using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Postbacks.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>
/// The recurring outbox sweep, run through Hangfire (decision 027): it alone finds the retries that
/// come due (no other sweep runs here), through the whole schedule to the automatic refund, and its
/// own failure shows where staff look for postback trouble.
/// </summary>
public sealed class OutboxSweepJobTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public OutboxSweepJobTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never);

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Sweep_job_retries_on_the_schedule_and_ends_in_the_automatic_refund()
    {
        merchant.AnswerPostback = _ => Task.FromResult((503, "Down for maintenance"));
        var saleId = await BuyAsync();
        TimeSpan[] waits = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromHours(24)];

        for (var attempt = 1; attempt <= waits.Length; attempt++)
        {
            await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == attempt, $"attempt {attempt} is recorded");
            gateway.Clock.Advance(waits[attempt - 1] - TimeSpan.FromSeconds(5));
            (await gateway.RunJobAsync<SweepOutboxOutcome>("outbox-sweep")).DuePostbacks.ShouldBe(0, $"5 seconds before retry {attempt} is due");
            gateway.Clock.Advance(TimeSpan.FromSeconds(5));
            (await gateway.RunJobAsync<SweepOutboxOutcome>("outbox-sweep")).DuePostbacks.ShouldBe(1, $"retry {attempt} is due");
        }

        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.GivenUp, "the delivery is given up");
        (await DeliveryAsync(saleId)).Attempts.ShouldBe(8);
        await GatewayFactory.EventuallyAsync(
            () => gateway.WithDbAsync(db => db.Refunds.AnyAsync(r => r.SaleId == saleId && r.Automatic && r.State == RefundState.Completed)),
            "the acquirer has refunded the sale");
        (await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == saleId))).Result.ShouldBe(SaleResult.Refunded);
    }

    [Fact]
    public async Task Sweep_job_finds_a_pending_postback_no_commit_woke_the_dispatcher_for()
    {
        merchant.AnswerPostback = _ => Task.FromResult((200, "OK"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, "the sale's postback is delivered");
        // A staff member's e-mail: due now, and nothing but a sweep would look for it.
        await gateway.WithDbAsync(async db =>
        {
            db.OutboxEmails.Add(new OneClick.Core.Notifications.OutboxEmail("buyer@example.com", "Test", "Body", gateway.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });

        var outcome = await gateway.RunJobAsync<SweepOutboxOutcome>("outbox-sweep");

        outcome.ShouldBe(new SweepOutboxOutcome(0, 1, 0));
        await GatewayFactory.EventuallyAsync(
            () => gateway.WithDbAsync(db => db.OutboxEmails.AllAsync(e => e.State != OneClick.Core.Notifications.EmailState.Pending)),
            "the e-mail the sweep found is sent");
    }

    [Fact]
    public async Task Sweep_job_that_fails_every_try_shows_as_failed_to_staff_on_the_postbacks_page()
    {
        gateway.WithServices(services => services.AddScoped<SweepOutbox>(_ => throw new InvalidOperationException("The database is away")));
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        (await staff.GetAsync("/account/postbacks")).Text.ShouldNotContain("Postback retries are held up");

        var (state, data) = await gateway.RunToEndAsync("outbox-sweep");

        state.ShouldBe("Failed");
        data["ExceptionMessage"].ShouldContain("The database is away");
        var health = gateway.Services.GetRequiredService<RecurringJobHealth>();
        health.FailingOf("outbox-sweep").ShouldNotBeNull().Error.ShouldBe(nameof(InvalidOperationException));
        gateway.Logs.Lines.ShouldContain(l => l.Contains("Recurring job outbox-sweep failed 2 tries (InvalidOperationException)", StringComparison.Ordinal));
        var page = await staff.GetAsync("/account/postbacks");
        page.Text.ShouldContain("Postback retries are held up");
        page.Text.ShouldNotContain("The database is away"); // the cause is for the gateway's administrators, in the dashboard
    }

    private async Task<long> BuyAsync()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<PostbackDelivery> DeliveryAsync(long saleId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));
}
