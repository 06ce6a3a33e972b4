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
/// The back-office postbacks (issue 6): the list at a person's shops with its filters and the sign of
/// a failing endpoint, a delivery's attempts, and "Retry now"; never another merchant's.
/// </summary>
public sealed class PostbackPagesTests : IDisposable
{
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const int OtherShopId = 70001;

    private readonly MerchantSite merchant = new();
    private readonly MerchantSite otherMerchant = new();
    private readonly GatewayFactory gateway = new();

    public PostbackPagesTests()
    {
        // The other shop's merchant site is on 127.0.0.1 too: the operator names its origin.
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Postbacks:PrivateHosts:0", otherMerchant.BaseUrl)
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Postbacks:Timeout", "00:00:05");
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
        otherMerchant.Dispose();
    }

    [Fact]
    public async Task List_shows_own_deliveries_only_and_the_administrator_sees_all()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, otherMerchant.PostbackUrl);
        var ours = await BuyAsync();
        var theirs = await BuyAsync(OtherShopId, OtherKey);
        await DeliveredAsync(ours);
        await DeliveredAsync(theirs);
        var seeded = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var other = await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            var page = await (await BackOfficeStaff.SignedInAsync(gateway, role, seeded)).GetAsync("/account/postbacks");
            page.Heading.ShouldBe("Postbacks");
            ListedSales(page).ShouldBe([ours]);
            page.Text.ShouldNotContain("Other Shop");

            var theirPage = await (await BackOfficeStaff.SignedInAsync(gateway, role, other)).GetAsync("/account/postbacks");
            ListedSales(theirPage).ShouldBe([theirs]);
            theirPage.Text.ShouldNotContain("Demo Credits Shop");
        }

        var admin = await (await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null)).GetAsync("/account/postbacks");
        ListedSales(admin).ShouldBe([theirs, ours]); // newest first
        var row = admin.Document.QuerySelector($"tr[data-delivery='{await DeliveryIdAsync(ours)}']")!.TextContent;
        row.ShouldContain("Demo Credits Shop");
        row.ShouldContain("sale");
        row.ShouldContain("Delivered");
        row.ShouldContain("HTTP 200 OK");
    }

    [Fact]
    public async Task Shop_filter_with_another_merchants_shop_lists_none_of_its_deliveries()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, otherMerchant.PostbackUrl);
        var ours = await BuyAsync();
        var theirs = await BuyAsync(OtherShopId, OtherKey);
        await DeliveredAsync(theirs);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await owner.GetAsync($"/account/postbacks?shop={OtherShopId}");

        ListedSales(page).ShouldBe([ours]);
        page.Text.ShouldContain($"\"{OtherShopId}\" is not one of your shops");
        page.Text.ShouldNotContain("Other Shop");
    }

    [Fact]
    public async Task State_filter_lists_failing_pending_delivered_and_given_up_apart()
    {
        var delivered = await BuyAsync();
        await DeliveredAsync(delivered);
        merchant.AnswerPostback = _ => Task.FromResult((500, "Internal error"));
        var failing = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(failing)).Attempts == 1, "the failed attempt is recorded");
        var givenUp = await InsertGivenUpCreditAsync(delivered);
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        ListedDeliveries(await owner.GetAsync("/account/postbacks")).Count.ShouldBe(3);
        ListedSales(await owner.GetAsync("/account/postbacks?state=failing")).ShouldBe([failing]);
        ListedSales(await owner.GetAsync("/account/postbacks?state=pending")).ShouldBe([failing]);
        ListedSales(await owner.GetAsync("/account/postbacks?state=delivered")).ShouldBe([delivered]);
        ListedDeliveries(await owner.GetAsync("/account/postbacks?state=given-up")).ShouldBe([givenUp]);
        var failingRow = (await owner.GetAsync("/account/postbacks?state=failing")).Document.QuerySelector("tbody tr")!.TextContent;
        failingRow.ShouldContain("Failing");
        failingRow.ShouldContain("HTTP 500");
        var unknown = await owner.GetAsync("/account/postbacks?state=lost");
        unknown.Text.ShouldContain("\"lost\" is not a state: showing all states.");
        ListedDeliveries(unknown).Count.ShouldBe(3);
        var selected = (await owner.GetAsync("/account/postbacks?state=delivered")).Document.QuerySelector("#filter-state option[selected]")!;
        selected.GetAttribute("value").ShouldBe("delivered");
    }

    [Fact]
    public async Task List_pages_by_25_newest_first()
    {
        var saleId = await BuyAsync();
        await DeliveredAsync(saleId);
        await OlderDeliveredAsync(saleId, count: 30);
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var first = await staff.GetAsync("/account/postbacks");
        var second = await staff.GetAsync(first.LinkHref("Next")!);

        ListedDeliveries(first).Count.ShouldBe(25);
        ListedDeliveries(first)[0].ShouldBe(await DeliveryIdAsync(saleId)); // the newest
        first.Text.ShouldContain("Page 1 of 2");
        ListedDeliveries(second).Count.ShouldBe(6);
        second.Url.ShouldEndWith("/account/postbacks?page=2");
        ListedDeliveries(first).Intersect(ListedDeliveries(second)).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_sorts_through_the_query_string_and_keeps_the_sort_across_pages()
    {
        var saleId = await BuyAsync();
        await DeliveredAsync(saleId);
        await OlderDeliveredAsync(saleId, count: 30);
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var newest = ListedDeliveries(await staff.GetAsync("/account/postbacks"));

        var oldestFirst = await staff.GetAsync("/account/postbacks?sort=created&dir=asc");

        // The 30 made two days ago come first, in the order they were made; the purchase's own is last.
        ListedDeliveries(oldestFirst).ShouldBe(Enumerable.Range(2, 25).Select(i => (long)i).ToList());
        ListedDeliveries(oldestFirst).ShouldNotContain(newest[0]);
        oldestFirst.Document.QuerySelector("th[aria-sort=ascending]")!.TextContent.Trim().ShouldBe("Delivery");
        oldestFirst.LinkHref("Next")!.ShouldEndWith("/account/postbacks?page=2&sort=created&dir=asc");
        (await staff.GetAsync("/account/postbacks?sort=nonsense")).Status.ShouldBe(System.Net.HttpStatusCode.OK);
    }

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

        var sign = page.Document.QuerySelector(".alert[role=alert]")?.TextContent ?? throw new InvalidOperationException(page.Html);
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
            var list = await person.GetAsync("/account/postbacks");
            list.Status.ShouldBe(HttpStatusCode.OK, role);
            ListedSales(list).Contains(saleId).ShouldBe(allowed, $"{role} of merchant {merchantId} lists sale {saleId}");

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

    private static List<long> ListedSales(Page page) => page.Document.QuerySelectorAll("tr[data-delivery] td:nth-child(2)")
        .Select(td => long.Parse(td.TextContent.Trim(), CultureInfo.InvariantCulture)).ToList();

    /// <summary>Delivered credit postbacks of a sale, made two days ago a minute apart, oldest first.</summary>
    private Task<int> OlderDeliveredAsync(long saleId, int count) => gateway.WithDbAsync(async db =>
    {
        var start = DateTime.UtcNow.AddDays(-2);
        for (var i = 0; i < count; i++)
        {
            var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Credit, merchant.PostbackUrl + "?n=" + i, start.AddMinutes(i));
            delivery.Delivered(start.AddMinutes(i));
            db.PostbackDeliveries.Add(delivery);
        }

        return await db.SaveChangesAsync();
    });

    private static List<long> ListedDeliveries(Page page) => page.Document.QuerySelectorAll("tr[data-delivery]")
        .Select(tr => long.Parse(tr.GetAttribute("data-delivery")!, CultureInfo.InvariantCulture)).ToList();

    private async Task<long> BuyAsync(int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey)
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: shopId), key));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], CultureInfo.InvariantCulture);
    }

    /// <summary>A refund's postback the merchant never answered: given up straight away, without the sender's side effects.</summary>
    private Task<long> InsertGivenUpCreditAsync(long saleId) => gateway.WithDbAsync(async db =>
    {
        var now = gateway.Clock.GetUtcNow().UtcDateTime;
        var delivery = new PostbackDelivery(GatewayFactory.ShopId, saleId, PostbackKind.Credit, merchant.PostbackUrl + "?event=credit", now);
        db.PostbackDeliveries.Add(delivery);
        await db.SaveChangesAsync();
        db.PostbackAttempts.Add(new PostbackAttempt(delivery, now, TimeSpan.FromMilliseconds(3), 404, "Not Found", null, false));
        delivery.Failed(new RetrySchedule([TimeSpan.FromDays(1)]), now);
        delivery.Failed(new RetrySchedule([TimeSpan.FromDays(1)]), now);
        await db.SaveChangesAsync();
        return delivery.Id;
    });

    private Task DeliveredAsync(long saleId) =>
        GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, $"the postback of sale {saleId} is delivered");

    private Task<PostbackDelivery> DeliveryAsync(long saleId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));

    private async Task<long> DeliveryIdAsync(long saleId) => (await DeliveryAsync(saleId)).Id;
}
