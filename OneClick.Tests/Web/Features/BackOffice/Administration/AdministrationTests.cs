using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Administration;
using OneClick.Web.Features.BackOffice.Administration.Commands;
using OneClick.Web.Features.BackOffice.Administration.Queries;
using OneClick.Web.Features.Staff;
using OneClickRequest = OneClick.Core.Shops.OneClickRequest;

namespace OneClick.Tests.Web.Features.BackOffice.Administration;

/// <summary>
/// The administrators' page as their circuit runs it (bUnit, on a real gateway): One Click requests
/// approved, or refused once confirmed in a dialog; customer unions created and joined. Refused to
/// everyone else: the page by its policy (HTTP), each operation by its command, run as that person.
/// </summary>
public sealed class AdministrationTests : IAsyncLifetime, IDisposable
{
    private const int OtherShopId = 70020;
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const string ShopUrl = "/account/shops/64233";
    private const string AdminUrl = "/account/admin";
    private const string Approve = "Approve One Click for Demo Credits Shop (64233)";
    private const string Refuse = "Refuse One Click for Demo Credits Shop (64233)";

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public AdministrationTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    /// <summary>Every change the page makes, as its circuit runs it; each would change something if allowed.</summary>
    private static readonly (string Name, Func<AccountPageContext, Task<object>> Run)[] Operations =
    [
        ("approve", async c => await c.RunAsync((AnswerOneClickRequest a) => a.RunAsync(GatewayFactory.ShopId, true, CancellationToken.None))),
        ("refuse", async c => await c.RunAsync((AnswerOneClickRequest a) => a.RunAsync(GatewayFactory.ShopId, false, CancellationToken.None))),
        ("create union", async c => await c.RunAsync((CreateCustomerUnion u) => u.RunAsync("Taken over", CancellationToken.None))),
        ("join union", async c => await c.RunAsync((JoinShopToUnion j) => j.RunAsync(GatewayFactory.ShopId, 2, CancellationToken.None))),
    ];

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    /// <summary>An owner of the seeded merchant asks for One Click on the shop's page, in a circuit of their own; the status it then shows.</summary>
    private async Task<string> RequestOneClickAsOwnerAsync()
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var shop = await ShopSteps.OpenShopAsync(circuit, GatewayFactory.ShopId);
        var before = shop.Find("#one-click-status").TextContent;
        shop.Press("Request One Click");
        shop.Snackbar().ShouldContain("One Click is requested");
        // The page reads the shop again after the change: on a database that answers later, after the snackbar.
        shop.WaitForAssertion(() => shop.Find("#one-click-status").TextContent.ShouldNotBe(before));
        return shop.Find("#one-click-status").TextContent;
    }

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == action).ToListAsync());

    private Task<string> FingerprintAsync() => gateway.WithDbAsync(async db =>
        string.Join(';', await db.Shops.OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.OneClickEnabled}:{s.OneClickRequest}:{s.CustomerUnionId}").ToListAsync())
        + $"|{await db.CustomerUnions.CountAsync()}|{await db.AuditEntries.CountAsync()}");

    [Fact]
    public async Task One_click_request_approved_by_an_administrator_turns_on_the_remember_offer()
    {
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase())).Document.QuerySelector("#card-remember").ShouldBeNull();
        (await RequestOneClickAsOwnerAsync()).ShouldBe("Requested");
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();
        page.Find("#requests-heading").TextContent.ShouldBe("One Click requests");

        page.Press(Approve);

        page.Snackbar().ShouldContain("One Click is on for Demo Credits Shop (64233).");
        page.WaitForAssertion(() => page.Markup.ShouldContain("No pending requests."));
        (await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).OneClickEnabled.ShouldBeTrue();
        (await (await OwnerAsync()).GetAsync(ShopUrl)).Document.GetElementById("one-click-status")!.TextContent.ShouldBe("On");
        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase());
        order.Document.QuerySelector("label[for=card-remember]")!.TextContent.ShouldBe("Remember my card for future purchases");
        var entry = (await AuditAsync("shop.oneclick.approve")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        entry.After.ShouldNotBeNull().ShouldContain("On");
        (await AuditAsync("shop.oneclick.request")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task One_click_request_refused_once_confirmed_stays_off_and_the_owner_may_ask_again()
    {
        (await RequestOneClickAsOwnerAsync()).ShouldBe("Requested");
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();

        page.Press(Refuse);
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("Refuse One Click for Demo Credits Shop (64233)?"));
        page.Find(".mud-dialog").TextContent.ShouldContain("may ask again");
        page.Press("Yes, refuse");

        page.Snackbar().ShouldContain("One Click is refused for Demo Credits Shop (64233).");
        page.WaitForAssertion(() => page.Markup.ShouldContain("No pending requests."));
        var shop = await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId));
        shop.OneClickEnabled.ShouldBeFalse();
        shop.OneClickRequest.ShouldBe(OneClickRequest.Refused);
        (await (await OwnerAsync()).GetAsync(ShopUrl)).Document.GetElementById("one-click-status")!.TextContent.ShouldBe("Refused");
        (await RequestOneClickAsOwnerAsync()).ShouldBe("Requested");
        (await AuditAsync("shop.oneclick.refuse")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Refuse_dialog_cancelled_leaves_the_request_pending()
    {
        await RequestOneClickAsync();
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();
        var before = await FingerprintAsync();

        page.Press(Refuse);
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldHaveSingleItem());
        // While the dialog is open, no other answer can be given.
        page.Button(Approve).HasAttribute("disabled").ShouldBeTrue();
        page.Press("Cancel");

        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        page.WaitForAssertion(() => page.Button(Refuse).HasAttribute("disabled").ShouldBeFalse());
        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Approve_of_a_request_answered_meanwhile_says_why_and_changes_nothing()
    {
        await RequestOneClickAsync();
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();
        var other = await PersonAsync(StaffRoles.Administrator, null);
        (await AccountPageContext.RunAsPersonAsync(gateway, other, (AnswerOneClickRequest a) => a.RunAsync(GatewayFactory.ShopId, false, CancellationToken.None)))
            .ShouldBeOfType<AnswerOneClickRequestOutcome.Answered>();
        var before = await FingerprintAsync();

        page.Press(Approve);

        page.Snackbar().ShouldContain("Demo Credits Shop (64233): ");
        page.Find("#mud-snackbar-container").TextContent.ShouldContain("no pending One Click request");
        page.WaitForAssertion(() => page.Markup.ShouldContain("No pending requests."));
        (await FingerprintAsync()).ShouldBe(before);
        (await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).OneClickEnabled.ShouldBeFalse();
    }

    [Fact]
    public async Task Union_created_and_joined_by_two_shops_shares_the_customer_wallet()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        await gateway.WithDbAsync(async db =>
        {
            foreach (var shop in await db.Shops.AsSingleQuery().ToListAsync())
            {
                shop.SetOneClick(true);
            }

            return await db.SaveChangesAsync();
        });
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();
        page.Find("[role=note]").TextContent.ShouldContain("stay in the old union");

        page.Type("Union name", "Cam group");
        page.Press("Create union");

        page.Snackbar().ShouldContain("Cam group is created. Move shops into it below.");
        var unionId = await gateway.WithDbAsync(db => db.CustomerUnions.Where(u => u.Name == "Cam group").Select(u => u.Id).SingleAsync());
        page.WaitForAssertion(() => UnionRow(page, unionId).ShouldBe([$"#{unionId}", "Cam group", "none"]));
        page.Field("Union name").GetAttribute("value").ShouldBeNullOrEmpty();
        foreach (var shopId in new[] { GatewayFactory.ShopId, OtherShopId })
        {
            page.Choose("Shop", await ShopOptionAsync(shopId));
            page.Choose("Union", $"#{unionId} Cam group");
            page.Press("Move shop to union");
            page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("their saved cards, stay in union"));
            page.Press("Yes, move shop");
            page.WaitForAssertion(() => page.Find("#mud-snackbar-container").TextContent.ShouldContain($"({shopId}) is now in union #{unionId} Cam group."));
        }

        page.WaitForAssertion(() => UnionRow(page, unionId)[2].ShouldBe("Demo Credits Shop (64233, Demo Merchant), Other Shop (70020, Other Merchant)"));
        // A customer who saved a card at one shop pays with it at the other.
        var first = Buyer.Of(gateway);
        (await first.PayAsync(await first.StartAsync(Merchant.Purchase(customerNumber: "c-1")))).Heading.ShouldBe("Payment approved");
        var other = await Buyer.Of(gateway).StartAsync(Merchant.Purchase("4.00", shopId: OtherShopId, customerNumber: "c-1"), OtherKey);
        other.Heading.ShouldBe("Pay with your saved card");
        (await AuditAsync("union.create")).ShouldHaveSingleItem().After.ShouldNotBeNull().ShouldContain("Cam group");
        var joins = await AuditAsync("union.join");
        joins.Count.ShouldBe(2);
        joins.ShouldContain(e => e.Subject == $"shop {OtherShopId}" && e.After!.Contains($"\"unionId\":{unionId}"));
    }

    [Fact]
    public async Task Create_union_without_a_name_or_too_long_and_join_without_choices_or_to_its_own_union_say_so()
    {
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();
        var before = await FingerprintAsync();

        page.Type("Union name", " ");
        page.Press("Create union");
        page.WaitForAssertion(() => page.FieldMessage("Union name").ShouldBe("Enter a name for the union."));
        page.Type("Union name", new string('u', 201));
        page.Press("Create union");
        page.WaitForAssertion(() => page.FieldMessage("Union name").ShouldBe("A union name has at most 200 characters."));
        page.Press("Move shop to union");
        page.WaitForAssertion(() => page.FieldMessage("Shop").ShouldBe("Choose a shop."));
        page.FieldMessage("Union").ShouldBe("Choose a union.");
        page.Choose("Shop", await ShopOptionAsync(GatewayFactory.ShopId));
        page.Choose("Union", $"#1 {await UnionNameAsync(1)}");
        page.Press("Move shop to union");
        page.WaitForAssertion(() => page.FieldMessage("Union").ShouldBe("Demo Credits Shop is already in this union."));
        page.FieldMessage("Shop").ShouldBeEmpty();

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Health_section_shows_each_check_by_name_with_its_status_in_words_and_colour_and_refreshes()
    {
        // The job server announces itself as the gateway starts: its first heartbeat may come just after.
        await GatewayFactory.EventuallyAsync(async () => (await gateway.CreatePlainClient().GetStringAsync("/health/ready")).StartsWith("{\n  \"status\": \"Healthy\"", StringComparison.Ordinal), "the gateway reads Healthy");
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenAsync();

        page.WaitForAssertion(() => HealthRows(page).Count.ShouldBe(3));
        page.Find("#health-heading").TextContent.ShouldBe("Gateway health");
        HealthRows(page).Select(r => (r.Check, r.Status)).ShouldBe([("database", "Healthy"), ("jobs", "Healthy"), ("outbox", "Healthy")]);
        HealthRows(page).ShouldAllBe(r => r.Colour.Contains("mud-chip-color-success"));
        page.Find("[data-check=outbox]").TextContent.ShouldContain("Nothing in the outbox is due");
        page.Find("[data-check=outbox]").TextContent.ShouldContain("backlogLimit 1000");
        page.Find("#health-summary").TextContent.ShouldContain("answers: 200");
        var readAt = page.Find("#health-summary time").TextContent;

        gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        page.Press("Refresh health");

        page.WaitForAssertion(() => page.Find("#health-summary time").TextContent.ShouldNotBe(readAt));
        HealthRows(page).Select(r => r.Check).ShouldBe(["database", "jobs", "outbox"]);
    }

    // The authorization matrix of the Administration section.

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_on_the_page_and_a_circuit_without_a_person_does_nothing()
    {
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldAskToSignIn(await Buyer.Of(gateway).Client.GetAsync(AdminUrl), "GET");
        foreach (var (name, run) in Operations)
        {
            await Should.ThrowAsync<StaffSessionEndedException>(() => run(context), name);
        }

        await Should.ThrowAsync<StaffSessionEndedException>(() => context.RunAsync((GatewayHealthQuery health) => health.RunAsync(CancellationToken.None)));

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData(StaffRoles.Owner, true)]
    [InlineData(StaffRoles.Staff, true)]
    [InlineData(StaffRoles.Owner, false)]
    [InlineData(StaffRoles.Staff, false)]
    public async Task Owners_and_staff_of_any_merchant_are_refused_the_page_and_every_operation(string role, bool ownMerchant)
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var merchant = ownMerchant ? await BackOfficeStaff.SeededMerchantIdAsync(gateway) : await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId);
        var email = $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@staff.test";
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, merchant, email);
        await RequestOneClickAsync();
        await gateway.WithDbAsync(async db =>
        {
            db.CustomerUnions.Add(new OneClick.Core.Customers.CustomerUnion("Second", gateway.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });
        await context.ActAsAsync(email);
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldBeDenied(await person.Client.GetAsync(AdminUrl), "GET");
        foreach (var (name, run) in Operations)
        {
            // As a crafted circuit message would reach the command, whatever the person's pages show.
            (await run(context)).GetType().Name.ShouldBe("NotAllowed", name);
        }

        (await context.RunAsync((GatewayHealthQuery health) => health.RunAsync(CancellationToken.None))).ShouldBeNull("the gateway's health is for its administrators");
        (await FingerprintAsync()).ShouldBe(before);
        (await person.GetAsync("/account")).Document.QuerySelector("a[href='/account/admin']").ShouldBeNull();
    }

    [Fact]
    public async Task Administrator_may_open_the_page_and_run_every_operation()
    {
        var email = $"admin-{UniqueText.Letters()}@staff.test";
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null, email);
        await context.ActAsAsync(email);

        (await admin.Client.GetAsync(AdminUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (name, run) in Operations)
        {
            (await run(context)).GetType().Name.ShouldNotBe("NotAllowed", name);
        }

        (await context.RunAsync((GatewayHealthQuery health) => health.RunAsync(CancellationToken.None))).ShouldNotBeNull().Checks.Count.ShouldBe(3);
    }

    /// <summary>Opens the page as the context's person, once the unions are read (one page at a time, as in a tab).</summary>
    private async Task<IRenderedComponent<AdministrationPage>> OpenAsync()
    {
        await context.DisposeComponentsAsync();
        var page = context.Render<AdministrationPage>();
        page.WaitForAssertion(() => page.FindAll("section[aria-labelledby=unions-heading] tbody tr").ShouldNotBeEmpty());
        return page;
    }

    /// <summary>The union's row in the unions table: its cells' text.</summary>
    private static List<string> UnionRow(IRenderedComponent<AdministrationPage> page, int unionId) =>
        [.. page.FindAll("section[aria-labelledby=unions-heading] tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == $"#{unionId}")
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim())];

    /// <summary>The health table's rows: the check's name, its status in words, and the classes that colour it.</summary>
    private static List<(string Check, string Status, string Colour)> HealthRows(IRenderedComponent<AdministrationPage> page) =>
        [.. page.FindAll("section[aria-labelledby=health-heading] tbody tr").Select(r =>
            (r.QuerySelector("th")!.TextContent.Trim(), r.QuerySelector(".mud-chip")!.TextContent.Trim(), r.QuerySelector(".mud-chip")!.ClassName ?? ""))];

    /// <summary>A shop as the "Shop" select offers it.</summary>
    private Task<string> ShopOptionAsync(int shopId) => gateway.WithDbAsync(async db =>
    {
        var shop = await db.Shops.Where(s => s.Id == shopId)
            .Select(s => new { s.Name, s.CustomerUnionId, Merchant = db.Merchants.Where(m => m.Id == s.MerchantId).Select(m => m.Name).First() })
            .SingleAsync();
        return $"{shop.Name} ({shopId}, {shop.Merchant}) · union #{shop.CustomerUnionId}";
    });

    private Task<string> UnionNameAsync(int unionId) => gateway.WithDbAsync(db => db.CustomerUnions.Where(u => u.Id == unionId).Select(u => u.Name).SingleAsync());

    /// <summary>The seeded shop asks for One Click, as its owner does on the shop page.</summary>
    private Task<int> RequestOneClickAsync() => gateway.WithDbAsync(async db =>
    {
        (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).RequestOneClick();
        return await db.SaveChangesAsync();
    });

    private async Task<string> PersonAsync(string role, int? merchantId)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return (await BackOfficeStaff.CreatePersonAsync(gateway, scope.ServiceProvider, role, merchantId)).Email!;
    }
}
