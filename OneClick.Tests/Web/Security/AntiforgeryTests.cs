using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.Api;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// A gateway with something behind every form: a customer with a saved card and an open order that
/// offers it, a hosted-page order, an order waiting for 3-D Secure, a declined and an approved sale with
/// its postback; an administrator (every back-office page) and the buyer, each in their own browser.
/// </summary>
public sealed class FormsGateway : IAsyncLifetime, IDisposable
{
    private readonly MerchantSite merchant = new();

    public FormsGateway()
    {
        Gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl).Set("OneClick:Seed:OneClickEnabled", "true");
        Api = ApiOrderFlows.ApiOf(Gateway);
    }

    public GatewayFactory Gateway { get; } = new();

    public MerchantApi Api { get; }

    public Buyer Admin { get; private set; } = default!;

    public long SavedCardId { get; private set; }

    public Buyer BuyerBrowser { get; private set; } = default!;

    /// <summary>A concrete URL for each route template with values, several where one route has several kinds of page.</summary>
    public Dictionary<string, string[]> Urls { get; } = [];

    public async Task InitializeAsync()
    {
        BuyerBrowser = Buyer.Of(Gateway);
        var buyer = BuyerBrowser;
        var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(customerNumber: "csrf-customer")), remember: true);
        paid.Heading.ShouldBe("Payment approved");
        var withSavedCard = await buyer.StartAsync(Merchant.Purchase(description: "Offers the saved card", customerNumber: "csrf-customer"));
        withSavedCard.Document.QuerySelector("input[name=_handler][value=saved]").ShouldNotBeNull("the order page offers the saved card");
        var challenged = await buyer.PayAsync(await buyer.UseNewCardAsync(await buyer.StartAsync(Merchant.Purchase(description: "Waits for 3-D Secure"))), "4000 0027 6000 3184");
        challenged.Heading.ShouldBe("Authentication required");
        await buyer.PayAsync(await buyer.UseNewCardAsync(await buyer.StartAsync(Merchant.Purchase(description: "Declined"))), "4000 0000 0000 0002");
        var hosted = await Api.CreateAsync(MerchantApi.OrderBody("csrf-hosted"));
        await GatewayFactory.EventuallyAsync(
            () => Gateway.WithDbAsync(db => db.PostbackDeliveries.AnyAsync(d => d.State == OneClick.Core.Postbacks.PostbackState.Delivered)),
            "the approved sale's postback is delivered");

        var (sale, declined, customer, delivery, card) = await Gateway.WithDbAsync(async db => (
            await db.Sales.Where(s => s.Result == SaleResult.Approved).Select(s => s.Id).SingleAsync(),
            await db.Sales.Where(s => s.Result == SaleResult.Declined).Select(s => new { s.Id, s.OrderId }).SingleAsync(),
            await db.Customers.Select(c => c.Id).SingleAsync(),
            await db.PostbackDeliveries.Select(d => d.Id).FirstAsync(),
            await db.SavedCards.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync()));
        SavedCardId = card;
        Urls["/order/{OrderId}"] = [withSavedCard.Url, hosted.Path];
        Urls["/order/{OrderId}/authenticate"] = [challenged.Url];
        Urls["/order/{orderId}/language"] = [withSavedCard.Url + "/language"];
        Urls["/order/{OrderId}/declined/{SaleId:long}"] = [$"/order/{declined.OrderId}/declined/{declined.Id}"];
        Urls["/account/sales/{Id:long}"] = [$"/account/sales/{sale}"];
        Urls["/account/customers/{Id:long}"] = [$"/account/customers/{customer}"];
        Urls["/account/postbacks/{Id:long}"] = [$"/account/postbacks/{delivery}"];
        Urls["/account/shops/{ShopId:int}"] = [$"/account/shops/{GatewayFactory.ShopId}"];
        Admin = await BackOfficeStaff.SignedInAsync(Gateway, StaffRoles.Administrator, null);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Gateway.Dispose();
        merchant.Dispose();
    }
}

/// <summary>
/// CSRF: every endpoint of the running gateway that takes a POST (PUT, PATCH, DELETE) requires a valid
/// antiforgery token, or is on the allow-list below with its reason. Each Razor component page takes
/// POST on its route, so each is posted to, with every form it renders, without the token: 400 and
/// nothing changed. A token from another session or another person is refused too. A new endpoint
/// that takes posts fails the first test until it is protected or listed.
/// Also proven elsewhere, flow by flow: PurchaseTests.Pay_without_antiforgery_token_is_refused,
/// HostedPageTests, ContractPaymentTests, SignInTests (sign-out).
/// </summary>
public sealed class AntiforgeryTests(FormsGateway fixture) : IClassFixture<FormsGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    /// <summary>Endpoints that take posts without an antiforgery token, and why that is safe.</summary>
    private static readonly Dictionary<string, string> TokenFree = new()
    {
        // A merchant's cross-site form or redirect: the signature over every parameter is its proof,
        // and it reads no cookie that would make it act for the buyer (SignatureTamperingTests).
        ["/startorder"] = "signed merchant request",
        // The JSON API authenticates each call with X-API-KEY and reads no cookie, so a browser's
        // cookies give a forged post nothing (Api_post_with_a_staff_cookie_but_no_key_is_401).
        ["/api/v1/orders/hpp"] = "API key",
        ["/api/v1/orders/paybylink"] = "API key",
        ["/api/v1/contracts/{contractId}/deactivation"] = "API key",
        // Swagger UI's static files: answered alike for any method, change nothing.
        ["/api/docs/{**path}"] = "static documentation",
        // Hangfire's dashboard checks ASP.NET Core's antiforgery token itself, sent in a header from its
        // page's meta tag (JobsDashboardTests: an administrator's post without it is 403).
        ["/account/jobs/{**path}"] = "the dashboard's own antiforgery check",
        // The interactive pages' circuit (SignalR): a circuit starts only from the data-protected
        // component markers of a page this person loaded, which another origin cannot read, and the
        // staff cookie is SameSite=Lax, so no cross-site request carries it (decision 028).
        ["/_blazor/negotiate"] = "circuit hub",
        ["/_blazor"] = "circuit hub",
        ["/_blazor/disconnect/"] = "circuit hub",
        ["/_blazor/initializers/"] = "circuit hub",
        // Health checks answer any method and change nothing.
        ["/health/ready"] = "read-only",
        ["/health/live"] = "read-only",
        // The error page the exception handler re-executes the failed request on (whatever its method): renders, changes nothing.
        ["/error"] = "read-only",
    };

    /// <summary>
    /// Forms a page renders only in another state (a confirmation step, another kind of order, another
    /// person's view), posted as well with the fields they would carry: {card} is the saved card's id.
    /// </summary>
    private static readonly Dictionary<string, (string Form, Dictionary<string, string> Fields)[]> StateDependentForms = new()
    {
        ["/order/{OrderId}"] =
        [
            ("pay", new() { ["Card.Number"] = Buyer.Visa, ["Card.Expiry"] = "12/30", ["Card.Cvc"] = "123", ["Card.Holder"] = "Forged Buyer" }),
            ("saved", new() { ["Saved.CardId"] = "{card}", ["Saved.Cvc"] = "123" }),
            ("delete", new() { ["Delete.CardId"] = "{card}" }),
            ("contract", new() { ["ContractPay.Confirmed"] = "true" }),
            ("cancel", new() { ["CancelChoice.Confirmed"] = "true" }),
        ],
        ["/order/{OrderId}/authenticate"] = [("authenticate", new() { ["Outcome"] = "complete" })],
        ["/order/{orderId}/language"] = [("language menu", new() { ["language"] = "de" })],
        ["/account/two-factor"] = [("two-factor-off", []), ("two-factor", new() { ["Input.Code"] = "123456" })],
        ["/account/login-2fa"] = [("login-2fa", new() { ["Input.Code"] = "123456" })],
    };

    [Fact]
    public void Every_endpoint_taking_a_post_requires_an_antiforgery_token_unless_allow_listed()
    {
        var endpoints = GatewayEndpoint.All(Gateway);
        var unsafeOnes = endpoints.Where(e => e.TakesUnsafeMethods).ToList();

        unsafeOnes.Where(e => !e.RequiresAntiforgery && !TokenFree.ContainsKey(e.Route))
            .Select(e => e.Route).ShouldBeEmpty("these take posts without an antiforgery token: protect them, or list them in TokenFree with the reason");
        TokenFree.Keys.Except(unsafeOnes.Where(e => !e.RequiresAntiforgery).Select(e => e.Route))
            .ShouldBeEmpty("listed as token-free but no longer an unprotected endpoint: remove them from the list");
        // Every page is a component endpoint that takes posts: all of them are checked below.
        unsafeOnes.Count(e => e.IsPage).ShouldBeGreaterThan(15);
    }

    [Fact]
    public async Task Every_form_posted_without_its_antiforgery_token_is_400_and_changes_nothing()
    {
        var before = await StoredRows.SnapshotAsync(Gateway);
        var wrong = new List<string>();
        var posts = 0;
        foreach (var endpoint in GatewayEndpoint.All(Gateway).Where(e => e.TakesUnsafeMethods && e.RequiresAntiforgery).DistinctBy(e => e.Route))
        {
            fixture.Urls.TryGetValue(endpoint.Route, out var urls).ShouldBe(endpoint.Route.Contains('{', StringComparison.Ordinal), $"{endpoint.Route}: add a URL for it to FormsGateway.Urls");
            foreach (var url in urls ?? [endpoint.Route])
            {
                var browser = url.StartsWith("/account", StringComparison.Ordinal) ? fixture.Admin : fixture.BuyerBrowser;
                var card = fixture.SavedCardId.ToString(CultureInfo.InvariantCulture);
                var forms = (await FormsOfAsync(browser, url, endpoint.IsPage)).Concat(StateDependentForms.GetValueOrDefault(endpoint.Route, [])
                    .Select(f => (f.Form, new Dictionary<string, string>(f.Fields.Select(x => KeyValuePair.Create(x.Key, x.Value.Replace("{card}", card, StringComparison.Ordinal)))) { ["_handler"] = f.Form })));
                foreach (var (form, fields) in forms)
                {
                    posts++;
                    var response = await browser.Client.PostAsync(url, new FormUrlEncodedContent(fields));
                    if (response.StatusCode != HttpStatusCode.BadRequest)
                    {
                        wrong.Add($"POST {url} form '{form}': {(int)response.StatusCode}");
                    }
                }
            }
        }

        wrong.ShouldBeEmpty();
        // 64 once every Personal Account page went live: theirs post only the sign-out form.
        posts.ShouldBeGreaterThanOrEqualTo(64);
        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
        // The sign-out post was refused too: the administrator is still signed in.
        (await fixture.Admin.GetAsync("/account")).Heading.ShouldBe("Dashboard");
    }

    [Fact]
    public async Task Post_with_a_token_from_another_person_or_session_is_refused_and_changes_nothing()
    {
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(Gateway);
        var owner = await BackOfficeStaff.SignedInAsync(Gateway, StaffRoles.Owner, merchantId, "csrf-owner@staff.test");
        var sameOwnerElsewhere = Buyer.Of(Gateway);
        await sameOwnerElsewhere.SubmitAsync(await sameOwnerElsewhere.GetAsync("/account/login"), "Sign in", new() { ["Input.Email"] = "csrf-owner@staff.test", ["Input.Password"] = BackOfficeStaff.Password });
        var attacker = Buyer.Of(Gateway);
        var attackersOrder = await attacker.StartAsync(Merchant.Purchase(description: "The attacker's own order"));
        var before = await StoredRows.SnapshotAsync(Gateway);

        // The Personal Account's interactive pages post no forms (their changes go over the circuit);
        // its static forms, signing out first, are checked with the tokens of others.
        var tokens = new (string Whose, string Token)[]
        {
            ("another person (the administrator)", TokenOf((await fixture.Admin.GetAsync("/account")).Document)),
            ("the same person in another session", TokenOf((await sameOwnerElsewhere.GetAsync("/account")).Document)),
            ("an anonymous visitor", TokenOf((await attacker.GetAsync("/account/login")).Document)),
        };
        foreach (var (whose, token) in tokens)
        {
            var response = await owner.Client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"sign-out with the token of {whose}");
        }

        // A forging site posts the buyer's pay form with a token of its own session: refused.
        var victimsOrder = fixture.Urls["/order/{OrderId}"][0];
        var pay = new Dictionary<string, string>
        {
            ["_handler"] = "pay",
            ["__RequestVerificationToken"] = TokenOf(attackersOrder.Document),
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Forged Buyer",
        };
        (await fixture.BuyerBrowser.Client.PostAsync(victimsOrder, new FormUrlEncodedContent(pay))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
        // The owner's own token still works: the refusals were about whose token it was.
        (await owner.GetAsync("/account")).Heading.ShouldBe("Dashboard");
        (await owner.SubmitAsync(await owner.GetAsync("/account"), "Sign out")).Heading.ShouldBe("Sign in");
    }

    [Fact]
    public async Task Api_post_with_a_staff_cookie_but_no_key_is_401_and_creates_nothing()
    {
        var before = await Gateway.WithDbAsync(db => db.Orders.CountAsync());

        var response = await fixture.Admin.Client.PostAsync("/api/v1/orders/hpp", new StringContent(MerchantApi.OrderBody("by-cookie").ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(before);
    }

    /// <summary>
    /// The posts a page's forms make, each with the fields it renders and its antiforgery token left
    /// out, and one bare post; for an endpoint that is not a page, one post with no fields.
    /// </summary>
    private static async Task<List<(string Form, Dictionary<string, string> Fields)>> FormsOfAsync(Buyer browser, string url, bool isPage)
    {
        var posts = new List<(string, Dictionary<string, string>)> { ("(no fields)", []) };
        if (!isPage)
        {
            return posts;
        }

        var response = await browser.Client.GetAsync(url);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        foreach (var form in document.QuerySelectorAll("form").OfType<IHtmlFormElement>().Where(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase)))
        {
            var fields = form.Elements.OfType<IHtmlInputElement>()
                .Where(i => !string.IsNullOrEmpty(i.Name) && i.Name != "__RequestVerificationToken")
                .GroupBy(i => i.Name!)
                .ToDictionary(g => g.Key, g => g.First().Value);
            posts.Add((fields.GetValueOrDefault("_handler", "(unnamed)"), fields));
        }

        return posts;
    }

    private static string TokenOf(AngleSharp.Dom.IDocument document) =>
        document.QuerySelector("input[name=__RequestVerificationToken]").ShouldNotBeNull().GetAttribute("value")!;
}
