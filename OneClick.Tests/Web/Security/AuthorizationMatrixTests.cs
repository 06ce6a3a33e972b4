using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Audit;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Tests.Web.Features.BackOffice.Postbacks;
using OneClick.Tests.Web.Features.BackOffice.Sales;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// The back-office authorization matrix, as tables: every page under /account (enumerated from the
/// running gateway, so that a new page fails until it has a row) and every form post, for a visitor
/// who is not signed in, the seeded merchant's staff and owner, an administrator, and the staff and
/// owner of ANOTHER merchant. Cells: ok (200; a person of one merchant never sees the other's data),
/// login (sent to sign in), denied (sent to "Not allowed"), 403 (refused in place: the jobs dashboard), 404 (another merchant's object: not found
/// and none of its data; a post meets a page without that form and is answered exactly as a post for
/// an id that does not exist, 400 or 404), public (a sign-in page: no merchant's data). Form posts are made with the
/// person's own valid antiforgery token; each refused cell is posted and must change nothing. The
/// interactive pages' changes are operations over the circuit (<see cref="AuthorizationMatrixOperationsTests"/>);
/// the lists those pages load over the circuit are rendered for each person (bUnit) under the same
/// rule as the pages. Allowed
/// posts are proven where each feature is (ShopAuthorizationTests, SalesAuthorizationTests,
/// CustomerAuthorizationTests, CustomerContractAuthorizationTests, PostbackPagesTests,
/// AccountTests). The API's shop isolation: ShopIsolationTests, and the
/// sibling-shop test below.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixGateway fixture) : IClassFixture<MatrixGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    private const string Pages = """
        page                          | anonymous | staff  | owner  | admin  | other staff | other owner
        /account                      | login     | ok     | ok     | ok     | ok          | ok
        /account/sales                | login     | ok     | ok     | ok     | ok          | ok
        /account/sales.csv            | login     | ok     | ok     | ok     | ok          | ok
        /account/sales/{sale}         | login     | ok     | ok     | ok     | 404         | 404
        /account/customers            | login     | ok     | ok     | ok     | ok          | ok
        /account/customers/{customer} | login     | ok     | ok     | ok     | 404         | 404
        /account/postbacks            | login     | ok     | ok     | ok     | ok          | ok
        /account/postbacks/{delivery} | login     | ok     | ok     | ok     | 404         | 404
        /account/shops                | login     | denied | ok     | ok     | denied      | ok
        /account/shops/{shop}         | login     | denied | ok     | ok     | denied      | 404
        /account/staff                | login     | denied | ok     | ok     | denied      | ok
        /account/audit                | login     | denied | ok     | ok     | denied      | ok
        /account/admin                | login     | denied | denied | ok     | denied      | denied
        /account/jobs                 | login     | 403    | 403    | ok     | 403         | 403
        /account/two-factor           | login     | ok     | ok     | ok     | ok          | ok
        /account/login                | public    | public | public | public | public      | public
        /account/login-2fa            | public    | public | public | public | public      | public
        /account/forgot-password      | public    | public | public | public | public      | public
        /account/reset-password       | public    | public | public | public | public      | public
        /account/denied               | public    | public | public | public | public      | public
        """;

    private const string Actions = """
        page and form                                     | anonymous | staff  | owner  | admin | other staff | other owner
        /account/two-factor two-factor                    | login     | ok     | ok     | ok    | ok          | ok
        /account/two-factor two-factor-off                | login     | ok     | ok     | ok    | ok          | ok
        /account/logout (sign out)                        | ok        | ok     | ok     | ok    | ok          | ok
        """;

    private static readonly HtmlParser Html = new();

    private static readonly string[] ListPages = ["/account/sales", "/account/customers", "/account/shops", "/account/staff"];

    [Fact]
    public void Every_back_office_route_has_a_row_in_the_matrix()
    {
        var routes = GatewayEndpoint.All(Gateway).Where(e => e.Route == "/account" || e.Route.StartsWith("/account/", StringComparison.Ordinal)).ToList();

        var pages = routes.Where(r => r.Methods is null || r.Methods.Contains("GET")).Select(r => TableKey(r.Route)).Distinct().Order().ToList();
        pages.ShouldBe(Rows(Pages).Select(r => r.Key).Order().ToList(), ignoreOrder: false, "a page under /account without a row in Pages, or a row without a page");
        var postOnly = routes.Where(r => r.Methods is not null && !r.Methods.Contains("GET")).Select(r => r.Route).ToList();
        postOnly.ShouldBe(["/account/logout"], "an action under /account that is not a page's form: add it to Actions");
    }

    [Fact]
    public async Task Every_page_answers_each_person_as_the_matrix_says()
    {
        var before = await StoredRows.SnapshotAsync(Gateway);
        var wrong = new List<string>();
        foreach (var (page, cells) in Rows(Pages))
        {
            var url = Fill(page);
            foreach (var (person, expected) in cells)
            {
                var response = await fixture.People[person].Client.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                if (Check(person, expected, response, body) is { } problem)
                {
                    wrong.Add($"{person,-12} GET {page}: {problem}");
                }
            }
        }

        // An interactive list loads its rows over the circuit, not in the page's HTML: each person's
        // circuit renders it, and the same rule holds for what it shows.
        var circuits = new Dictionary<string, string>();
        foreach (var person in fixture.Emails.Keys)
        {
            var lists = new[]
            {
                ("/account/sales", (await SalesScenario.ListAsPersonAsync(Gateway, fixture.Emails[person])).Markup),
                ("/account/customers", (await CustomerSteps.ListAsPersonAsync(Gateway, fixture.Emails[person])).Markup),
                ("/account/postbacks", (await PostbacksScenario.ListAsPersonAsync(Gateway, fixture.Emails[person])).Markup),
                ("/account/audit", Markup: await AuditSteps.ListAsPersonAsync(Gateway, fixture.Emails[person])),
            };
            foreach (var (list, markup) in lists)
            {
                if (Check(person, "ok", new HttpResponseMessage(HttpStatusCode.OK), markup) is { } problem)
                {
                    wrong.Add($"{person,-12} circuit of {list}: {problem}");
                }
            }

            circuits[person] = string.Concat(lists.Select(l => l.Markup));
        }

        wrong.ShouldBeEmpty();
        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
        // The markers are on the pages for whoever may see them, so their absence above means something.
        var all = string.Concat(await Task.WhenAll(ListPages.Select(u => fixture.People["admin"].Client.GetStringAsync(u)))) + circuits["admin"];
        fixture.OwnMarkers.Concat(fixture.OtherMarkers).ShouldAllBe(marker => all.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_refused_form_post_is_refused_as_the_matrix_says_and_changes_nothing()
    {
        var before = await StoredRows.SnapshotAsync(Gateway);
        var wrong = new List<string>();
        var refused = 0;
        foreach (var (action, cells) in Rows(Actions))
        {
            var (page, form) = (action[..action.IndexOf(' ', StringComparison.Ordinal)], action[(action.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            foreach (var (person, cell) in cells.Where(c => c.Value != "ok"))
            {
                var expected = cell;
                refused++;
                // The refused posts left are anonymous ones to static forms (two-factor): refused before any field is read.
                var fields = new Dictionary<string, string>();
                fields["_handler"] = Fill(form);
                fields["__RequestVerificationToken"] = await TokenOfAsync(fixture.People[person]);
                var response = await fixture.People[person].Client.PostAsync(Fill(page), new FormUrlEncodedContent(fields));
                var body = await response.Content.ReadAsStringAsync();
                if (expected == "404")
                {
                    // A post aimed at another merchant's object meets a page that says "not found" and
                    // has no such form: answered exactly as for an id that does not exist (400 or 404).
                    fields["_handler"] = Fill(form, unknown: true);
                    var unknown = await fixture.People[person].Client.PostAsync(Fill(page, unknown: true), new FormUrlEncodedContent(fields));
                    expected = unknown.StatusCode == response.StatusCode && (int)unknown.StatusCode is 400 or 404 ? "as unknown" : "404";
                }

                if (Check(person, expected, response, body) is { } problem)
                {
                    wrong.Add($"{person,-12} POST {action}: {problem}");
                }
            }
        }

        wrong.ShouldBeEmpty();
        // Only the static pages' forms are left here (two-factor, sign-out): the interactive pages' changes are AuthorizationMatrixOperationsTests.
        refused.ShouldBeGreaterThanOrEqualTo(2);
        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
    }

    [Fact]
    public async Task Every_form_the_back_office_shows_has_a_row_in_the_matrix()
    {
        var rows = Rows(Actions).Select(r => r.Key).ToHashSet();
        var missing = new List<string>();
        foreach (var person in new[] { "owner", "admin" })
        {
            foreach (var (page, cells) in Rows(Pages).Where(r => r.Cells[person] == "ok"))
            {
                var document = Html.ParseDocument(await (await fixture.People[person].Client.GetAsync(Fill(page))).Content.ReadAsStringAsync());
                foreach (var form in document.QuerySelectorAll("form[method=post] input[name=_handler]").Select(i => i.GetAttribute("value")!))
                {
                    if (!rows.Contains($"{page} {form}"))
                    {
                        missing.Add($"{page} {form}");
                    }
                }
            }
        }

        missing.Distinct().ShouldBeEmpty("forms without a row in Actions");
    }

    [Fact]
    public async Task Api_key_of_a_sibling_shop_of_the_same_merchant_reaches_none_of_this_shops_orders_or_contracts()
    {
        // ShopIsolationTests proves it for another merchant's shop; a key is its shop's, not its merchant's.
        const int siblingId = 70032;
        await Gateway.WithDbAsync(async db =>
        {
            var shop = new Shop(siblingId, await BackOfficeStaff.SeededMerchantIdAsync(Gateway), "Sibling Shop", new Uri("http://sibling.test/"), DateTime.UtcNow);
            shop.AddSignatureKey("SiblingShopKey-0123456789abcdef", DateTime.UtcNow);
            db.Shops.Add(shop);
            return await db.SaveChangesAsync();
        });
        var sibling = new MerchantApi(Gateway.CreatePlainClient(), await MerchantApi.AddKeyAsync(Gateway, siblingId));
        var before = await StoredRows.SnapshotAsync(Gateway);

        (await sibling.GetAsync("/api/v1/orders/matrix-order")).ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        (await sibling.GetAsync("/api/v1/contracts/customers/own-cust-matrix")).ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        (await sibling.PostAsync("/api/v1/contracts/matrix-contract/deactivation", null)).ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        var charge = MerchantApi.OrderBody("sibling-charge", "SUBSEQUENT_PAYMENT", "matrix-contract", "own-cust-matrix", resultUrl: "http://sibling.test/ok", cancelUrl: "http://sibling.test/no");
        (await sibling.PostAsync("/api/v1/orders/hpp", charge)).ShouldBeInvalid("paymentSession.recurrence.contractId").ShouldContain("is not a contract of this shop");
        charge["expiresAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("o", CultureInfo.InvariantCulture);
        (await sibling.PostAsync("/api/v1/orders/paybylink", charge)).ShouldBeInvalid("paymentSession.recurrence.contractId").ShouldContain("is not a contract of this shop");

        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
        (await Gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Active);
        (await fixture.Api.GetAsync("/api/v1/orders/matrix-order")).Status.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Why a response breaks its cell, or null when it keeps it.</summary>
    private string? Check(string person, string expected, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.ToString() ?? "";
        string? problem = expected switch
        {
            "ok" when status != 200 => $"{status} {location}, expected 200",
            "login" when status != 302 || !location.Contains("/account/login", StringComparison.Ordinal) => $"{status} {location}, expected to sign in",
            "denied" when status != 302 || !location.Contains("/account/denied", StringComparison.Ordinal) => $"{status} {location}, expected Not allowed",
            "404" when status != 404 => $"{status} {location}, expected 404",
            "403" when status != 403 => $"{status} {location}, expected 403",
            "public" when status is not (200 or 302) => $"{status}, expected the page or a redirect",
            "as unknown" => null,
            _ => null,
        };
        if (problem is not null)
        {
            return problem;
        }

        // Nobody but an administrator ever reads another merchant's data, whatever the answer.
        var hidden = person switch
        {
            "admin" => [],
            "staff" or "owner" => fixture.OtherMarkers,
            "other staff" or "other owner" => fixture.OwnMarkers,
            _ => [.. fixture.OwnMarkers, .. fixture.OtherMarkers],
        };
        return hidden.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } leaked ? $"shows '{leaked}'" : null;
    }

    private async Task<string> TokenOfAsync(Buyer person)
    {
        var home = await person.Client.GetAsync("/account");
        var page = home.StatusCode == HttpStatusCode.OK ? home : await person.Client.GetAsync("/account/login");
        return Html.ParseDocument(await page.Content.ReadAsStringAsync()).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
    }

    /// <summary>The placeholders replaced by the seeded merchant's ids, or by an id nothing has.</summary>
    private string Fill(string text, bool unknown = false) =>
        fixture.Own.Aggregate(text, (t, p) => t.Replace(p.Key, unknown ? "999999" : p.Value, StringComparison.Ordinal));

    /// <summary>A route of the endpoint data source as the tables name it.</summary>
    private static string TableKey(string route) => route switch
    {
        "/account/sales/{Id:long}" => "/account/sales/{sale}",
        "/account/jobs/{**path}" => "/account/jobs",
        "/account/customers/{Id:long}" => "/account/customers/{customer}",
        "/account/postbacks/{Id:long}" => "/account/postbacks/{delivery}",
        "/account/shops/{ShopId:int}" => "/account/shops/{shop}",
        _ => route,
    };

    /// <summary>The rows of a table: the first column, and the cell of each person by the header's names.</summary>
    internal static List<(string Key, Dictionary<string, string> Cells)> Rows(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split('|', StringSplitOptions.TrimEntries);
        return lines.Skip(1).Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (cells[0], header.Skip(1).Zip(cells.Skip(1)).ToDictionary(p => p.First, p => p.Second)))
            .ToList();
    }
}
