using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Postbacks.Commands;

namespace OneClick.Tests.Web.Features.Health;

/// <summary>
/// /health/live and /health/ready over HTTP, on a real gateway: the JSON an operator reads, and which
/// answers take a node out of rotation (decision 036: only its own database's failure).
/// </summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Live_answers_200_in_json_without_asking_anything()
    {
        var (status, json) = await GetAsync("/health/live");

        status.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("status").GetString().ShouldBe("Healthy");
        json.GetProperty("checks").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Ready_on_a_fresh_gateway_answers_200_with_database_jobs_and_outbox_healthy()
    {
        var response = await gateway.CreatePlainClient().GetAsync("/health/ready");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();

        // The job server announces itself as the host starts: the first heartbeat may come just after.
        JsonElement json = default;
        await GatewayFactory.EventuallyAsync(async () => (json = (await GetAsync("/health/ready")).Json).GetProperty("status").GetString() == "Healthy", "the gateway reads Healthy");

        json.GetProperty("checks").EnumerateObject().Select(c => c.Name).ShouldBe(["database", "jobs", "outbox"]);
        foreach (var check in json.GetProperty("checks").EnumerateObject())
        {
            check.Value.GetProperty("status").GetString().ShouldBe("Healthy", check.Name);
            check.Value.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace(check.Name);
            check.Value.GetProperty("durationMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0, check.Name);
        }

        var data = (string check, string name) => json.GetProperty("checks").GetProperty(check).GetProperty("data").GetProperty(name).GetDouble();
        data("database", "activeShops").ShouldBe(1);
        data("database", "pendingMigrations").ShouldBe(0);
        data("jobs", "liveServers").ShouldBe(1);
        data("jobs", "recurringJobs").ShouldBe(5);
        data("jobs", "missingRecurringJobs").ShouldBe(0);
        data("outbox", "due").ShouldBe(0);
        json.GetProperty("totalDurationMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        (await GetAsync("/health/ready")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_with_due_postbacks_over_the_limit_reports_the_outbox_unhealthy_with_the_count_and_keeps_the_node_in_rotation()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Health:OutboxBacklogWarning", "1")
            .Set("OneClick:Health:OutboxBacklogLimit", "2")
            // Nothing but this test's clock makes the failed postbacks due, and nothing sends them then.
            .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never);
        merchant.AnswerPostback = _ => Task.FromResult((503, "Down for maintenance"));
        for (var sale = 0; sale < 3; sale++)
        {
            var buyer = Buyer.Of(gateway);
            (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");
        }

        await GatewayFactory.EventuallyAsync(
            async () => await gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.State == PostbackState.Pending && d.Attempts == 1)) == 3,
            "each sale's first postback has failed");
        (await GetAsync("/health/ready")).Json.GetProperty("checks").GetProperty("outbox").GetProperty("status").GetString().ShouldBe("Healthy", "a retry not yet due is no backlog");

        gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        var (status, json) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.OK, "a backlog every node shares takes none out of rotation");
        json.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var outbox = json.GetProperty("checks").GetProperty("outbox");
        outbox.GetProperty("status").GetString().ShouldBe("Unhealthy");
        outbox.GetProperty("description").GetString()!.ShouldContain("3 item(s) due (3 postback(s), 0 e-mail(s), 0 refund(s))");
        outbox.GetProperty("description").GetString()!.ShouldContain("OneClick:Health:OutboxBacklogLimit");
        outbox.GetProperty("data").GetProperty("due").GetDouble().ShouldBe(3);
        outbox.GetProperty("data").GetProperty("duePostbacks").GetDouble().ShouldBe(3);
        outbox.GetProperty("data").GetProperty("backlogLimit").GetDouble().ShouldBe(2);
        (await gateway.RunJobAsync<SweepOutboxOutcome>("outbox-sweep")).DuePostbacks.ShouldBe(3, "the sweep counts the same due postbacks");
    }

    [Fact]
    public async Task Ready_json_names_no_card_buyer_token_or_address()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl).Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never);
        merchant.AnswerPostback = _ => Task.FromResult((503, "Down for maintenance"));
        var buyer = Buyer.Of(gateway);
        var purchase = Merchant.Purchase(customerNumber: "customer-7");
        purchase["email"] = "buyer@example.com";
        (await buyer.PayAsync(await buyer.StartAsync(purchase), remember: true)).Heading.ShouldBe("Payment approved");
        await GatewayFactory.EventuallyAsync(() => gateway.WithDbAsync(db => db.PostbackDeliveries.AnyAsync(d => d.Attempts == 1)), "the postback has failed once");
        // The sale's own receipt goes out on its own: once it has, the dispatcher's round of e-mails is over.
        await GatewayFactory.EventuallyAsync(() => gateway.WithDbAsync(db => db.OutboxEmails.AnyAsync(e => e.State == EmailState.Sent)), "the sale's receipt is sent");
        // A receipt due now, that nothing but the (held) sweep would send.
        await gateway.WithDbAsync(async db =>
        {
            db.OutboxEmails.Add(new OutboxEmail("buyer@example.com", "Your receipt", "Card ending 1111", gateway.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });
        gateway.Clock.Advance(TimeSpan.FromMinutes(1));

        var body = await (await gateway.CreatePlainClient().GetAsync("/health/ready")).Content.ReadAsStringAsync();

        body.ShouldContain("\"duePostbacks\": 1");
        body.ShouldContain("\"dueEmails\": 1");
        body.ShouldNotContain("@");
        body.ShouldNotContain("customer-7");
        body.ShouldNotContain(Buyer.Visa);
        body.ShouldNotContain(merchant.PostbackUrl);
        CardDataDetector.ScanText(body).ShouldBeEmpty();
        // Each value is a status, a description, a time or a number: none a token's long run of letters and digits.
        body.ShouldNotMatch("[A-Za-z0-9_-]{24,}");
    }

    [Fact]
    public async Task Ready_on_a_database_missing_a_migration_answers_503_and_says_what_to_do()
    {
        _ = gateway.Services;
        await gateway.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = (SELECT MAX(\"MigrationId\") FROM \"__EFMigrationsHistory\")"));

        var (status, json) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        json.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var database = json.GetProperty("checks").GetProperty("database");
        database.GetProperty("status").GetString().ShouldBe("Unhealthy");
        database.GetProperty("description").GetString()!.ShouldStartWith("The database lacks 1 migration(s) this version needs");
        database.GetProperty("description").GetString()!.ShouldContain("restart it");
        database.GetProperty("data").GetProperty("pendingMigrations").GetDouble().ShouldBe(1);
    }

    [Fact]
    public async Task Ready_without_an_active_shop_answers_503_as_the_protocol_says_and_says_what_to_do()
    {
        _ = gateway.Services;
        await gateway.WithDbAsync(db => db.Shops.ExecuteUpdateAsync(shop => shop.SetProperty(s => s.IsActive, false)));

        var (status, json) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable, "docs/protocol.md section 9: 200 once it can take orders");
        var database = json.GetProperty("checks").GetProperty("database");
        database.GetProperty("status").GetString().ShouldBe("Unhealthy");
        database.GetProperty("description").GetString()!.ShouldContain("no active shop");
        database.GetProperty("data").GetProperty("activeShops").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task Ready_with_a_recurring_job_failing_every_try_reports_the_jobs_degraded_and_names_it()
    {
        gateway.Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never)
            .WithServices(services => services.AddScoped<SweepOutbox>(_ => throw new InvalidOperationException("The database is away")));
        (await gateway.RunToEndAsync("outbox-sweep")).State.ShouldBe("Failed");

        var (status, json) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.OK);
        var jobs = json.GetProperty("checks").GetProperty("jobs");
        jobs.GetProperty("status").GetString().ShouldBe("Degraded");
        jobs.GetProperty("description").GetString()!.ShouldContain("The recurring job outbox-sweep failed every try of its last run (InvalidOperationException)");
        jobs.GetProperty("description").GetString()!.ShouldNotContain("The database is away");
        jobs.GetProperty("data").GetProperty("failingRecurringJobs").GetDouble().ShouldBe(1);
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> GetAsync(string path)
    {
        var response = await gateway.CreatePlainClient().GetAsync(path);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}
