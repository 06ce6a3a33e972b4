using System.Globalization;
using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Postbacks;
using OneClick.Web.Features.BackOffice.Postbacks.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Postbacks;

/// <summary>
/// The back-office postbacks (issue 6): the sign of a failing endpoint above the list, a delivery's
/// attempts, and "Retry now"; never another merchant's. The list itself: PostbackListTests.
/// </summary>
public sealed class PostbackPagesTests : IDisposable
{
    private const string OtherKey = PostbacksScenario.OtherKey;
    private const int OtherShopId = PostbacksScenario.OtherShopId;

    private readonly PostbacksScenario scenario = new();
    private readonly MerchantSite merchant;
    private readonly MerchantSite otherMerchant;
    private readonly GatewayFactory gateway;

    public PostbackPagesTests()
    {
        merchant = scenario.Site;
        otherMerchant = scenario.OtherSite;
        gateway = scenario.Gateway;
    }

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Failing_sign_appears_once_the_endpoint_has_failed_for_30_minutes()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, otherMerchant.PostbackUrl);
        merchant.AnswerPostback = _ => Task.FromResult((503, "Service Unavailable"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "attempt 1 is recorded");
        var firstAttempt = await gateway.WithDbAsync(db => db.PostbackAttempts.MinAsync(a => a.StartedAt));
        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(1));
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 2, "attempt 2 is recorded");
        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(5));
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 3, "attempt 3 is recorded");
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        // Three failures within six minutes: a blip, not yet an outage.
        (await staff.GetAsync("/account/postbacks")).Text.ShouldNotContain("Failing since");

        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(30));
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 4, "attempt 4 is recorded");
        staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway)); // the session idled out with the clock
        var page = await staff.GetAsync("/account/postbacks");

        var sign = page.Document.QuerySelector("[role=alert][data-shop]")?.TextContent ?? throw new InvalidOperationException(page.Html);
        // A time of another day than the page's carries its date (the 30 minutes may cross midnight).
        var since = firstAttempt.Date == gateway.Clock.GetUtcNow().UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        sign.ShouldContain($"Failing since {firstAttempt.ToString(since, CultureInfo.InvariantCulture)} UTC — 1 delivery waiting");
        sign.ShouldContain("Demo Credits Shop");
        sign.ShouldContain("4 attempts in a row");
        var theirs = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        (await theirs.GetAsync("/account/postbacks")).Text.ShouldNotContain("Failing since");

        merchant.AnswerPostback = _ => Task.FromResult((200, "OK"));
        gateway.AdvanceAndSweep(TimeSpan.FromHours(3));
        await DeliveredAsync(saleId);
        staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        (await staff.GetAsync("/account/postbacks")).Text.ShouldNotContain("Failing since");
    }

    [Fact]
    public async Task Detail_shows_each_attempt_without_the_one_click_token()
    {
        merchant.AnswerPostback = n => Task.FromResult(n == 1 ? (500, "Database <down>") : (200, "OK"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the failed attempt is recorded");
        var sent = merchant.Postbacks.Single().Url;
        var token = Merchant.ParseQuery(sent.Query)["oneClickToken"];
        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(2));
        await DeliveredAsync(saleId);
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await staff.GetAsync($"/account/postbacks/{await DeliveryIdAsync(saleId)}");

        page.Heading.ShouldBe($"Postback #{await DeliveryIdAsync(saleId)}");
        var rows = page.Document.QuerySelectorAll("tr[data-attempt]").Select(r => r.TextContent).ToList();
        rows.Count.ShouldBe(2);
        rows[0].ShouldContain("HTTP 500");
        rows[0].ShouldContain("Database <down>");
        rows[0].ShouldContain(" ms");
        rows[0].ShouldContain($"saleID={saleId}");
        rows[1].ShouldContain("HTTP 200 (OK)");
        page.Html.ShouldNotContain(token);
        page.Html.ShouldNotContain("oneClickToken=");
        page.Document.QuerySelectorAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Retry now"); // delivered
    }

    [Fact]
    public async Task Retry_now_makes_the_delivery_due_and_it_is_delivered_and_audited()
    {
        merchant.AnswerPostback = n => Task.FromResult(n == 1 ? (500, "Internal error") : (200, "OK"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the failed attempt is recorded");
        (await DeliveryAsync(saleId)).NextAttemptAt.ShouldBeGreaterThan(gateway.Clock.GetUtcNow().UtcDateTime);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var deliveryId = await DeliveryIdAsync(saleId);
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsNewAsync(StaffRoles.Staff, merchantId);
        var page = circuit.Render<PostbackDetail>(p => p.Add(d => d.Id, deliveryId));

        page.Press("Retry now");

        page.Snackbar().ShouldContain("Retry requested");
        await DeliveredAsync(saleId); // no clock moved: the retry alone sent it
        (await DeliveryAsync(saleId)).Attempts.ShouldBe(2);
        var audit = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "postback.retry"));
        audit.MerchantId.ShouldBe(merchantId);
        audit.Subject.ShouldBe($"postback {deliveryId} (sale {saleId})");
        audit.UserEmail.ShouldStartWith("staff-");
        audit.Before!.ShouldContain("\"Attempts\":1");
    }

    [Fact]
    public async Task Retry_from_a_page_opened_before_the_delivery_went_through_says_there_is_nothing_to_retry()
    {
        merchant.AnswerPostback = n => Task.FromResult(n == 1 ? (500, "Internal error") : (200, "OK"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the failed attempt is recorded");
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var deliveryId = await DeliveryIdAsync(saleId);
        var stale = circuit.Render<PostbackDetail>(p => p.Add(d => d.Id, deliveryId));
        stale.WaitForAssertion(() => stale.Button("Retry now").HasAttribute("disabled").ShouldBeFalse());
        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(2));
        await DeliveredAsync(saleId);

        stale.Press("Retry now");

        stale.WaitForAssertion(() => stale.Find("[role=alert]").TextContent.ShouldContain("This postback is already delivered: there is nothing to retry."));
        stale.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Retry now");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "postback.retry"))).ShouldBe(0);
    }

    [Fact]
    public async Task Retry_of_another_merchants_delivery_is_refused_like_an_unknown_one_and_changes_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, otherMerchant.PostbackUrl);
        merchant.AnswerPostback = _ => Task.FromResult((500, "Internal error"));
        otherMerchant.AnswerPostback = _ => Task.FromResult((500, "Internal error"));
        var victimSale = await BuyAsync();
        var ownSale = await BuyAsync(OtherShopId, OtherKey);
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(victimSale)).Attempts == 1 && (await DeliveryAsync(ownSale)).Attempts == 1, "both failed once");
        var victim = await DeliveryAsync(victimSale);
        var other = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            var email = $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@attacker.test";
            var attacker = await BackOfficeStaff.SignedInAsync(gateway, role, other, email);
            var detail = await attacker.GetAsync($"/account/postbacks/{victim.Id}");
            detail.Status.ShouldBe(HttpStatusCode.NotFound);
            detail.Html.ShouldNotContain(victimSale.ToString(CultureInfo.InvariantCulture) + "</a>");
            detail.Text.ShouldNotContain("Demo Credits Shop");

            // Over their own circuit, aimed at the other merchant's delivery: as for one that does not exist.
            await using var circuit = new AccountPageContext(gateway);
            await circuit.ActAsAsync(email);
            (await circuit.RunAsync((RetryPostback retry) => retry.RunAsync(victim.Id, CancellationToken.None))).ShouldBeOfType<RetryPostbackOutcome.NotFound>();
            (await circuit.RunAsync((RetryPostback retry) => retry.RunAsync(987654, CancellationToken.None))).ShouldBeOfType<RetryPostbackOutcome.NotFound>();
        }

        (await DeliveryAsync(victimSale)).NextAttemptAt.ShouldBe(victim.NextAttemptAt);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "postback.retry"))).ShouldBe(0);
    }

    [Fact]
    public async Task Authorization_matrix_for_the_postback_pages_and_the_retry()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, otherMerchant.PostbackUrl);
        merchant.AnswerPostback = _ => Task.FromResult((500, "Internal error"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the failed attempt is recorded");
        var deliveryId = await DeliveryIdAsync(saleId);
        var detailUrl = $"/account/postbacks/{deliveryId}";
        var seeded = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var other = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);

        // Anonymous: every page goes to the log-in, and a circuit without a person can do nothing.
        var anonymous = gateway.CreatePlainClient();
        foreach (var url in new[] { "/account/postbacks", detailUrl })
        {
            var response = await anonymous.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        }

        await using (var nobody = new AccountPageContext(gateway))
        {
            await Should.ThrowAsync<StaffSessionEndedException>(() => nobody.RunAsync((RetryPostback retry) => retry.RunAsync(deliveryId, CancellationToken.None)));
        }

        // Own merchant (staff, owner) and the administrator: allowed, retry included.
        var people = new (string Role, int? Merchant, bool Allowed)[]
        {
            (StaffRoles.Staff, seeded, true), (StaffRoles.Owner, seeded, true), (StaffRoles.Administrator, null, true),
            (StaffRoles.Staff, other, false), (StaffRoles.Owner, other, false),
        };
        foreach (var (role, merchantId, allowed) in people)
        {
            var email = $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@matrix.test";
            var person = await BackOfficeStaff.SignedInAsync(gateway, role, merchantId, email);
            (await person.GetAsync("/account/postbacks")).Status.ShouldBe(HttpStatusCode.OK, role);
            (await PostbacksScenario.ListedSalesAsPersonAsync(gateway, email)).Contains(saleId).ShouldBe(allowed, $"{role} of merchant {merchantId} lists sale {saleId}");

            var detail = await person.GetAsync(detailUrl);
            detail.Status.ShouldBe(allowed ? HttpStatusCode.OK : HttpStatusCode.NotFound, $"{role} of merchant {merchantId}");
            await using var circuit = new AccountPageContext(gateway);
            await circuit.ActAsAsync(email);
            var retried = await circuit.RunAsync((RetryPostback retry) => retry.RunAsync(deliveryId, CancellationToken.None));
            if (allowed)
            {
                retried.ShouldBeOfType<RetryPostbackOutcome.MadeDue>(role);
                await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).NextAttemptAt > gateway.Clock.GetUtcNow().UtcDateTime, "the retry failed again and waits");
            }
            else
            {
                retried.ShouldBeOfType<RetryPostbackOutcome.NotFound>(role);
            }
        }

        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "postback.retry"))).ShouldBe(3);
    }

    private Task<long> BuyAsync(int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey) => scenario.BuyAsync(shopId, key);

    private Task DeliveredAsync(long saleId) => scenario.DeliveredAsync(saleId);

    private Task<PostbackDelivery> DeliveryAsync(long saleId) => scenario.DeliveryAsync(saleId);

    private Task<long> DeliveryIdAsync(long saleId) => scenario.DeliveryIdAsync(saleId);
}
