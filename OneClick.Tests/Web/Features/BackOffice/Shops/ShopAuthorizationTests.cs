using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// The authorization matrix of the Shops section: each page (its first answer, over HTTP) and each
/// change a shop's page makes (run as the person's circuit would run it, whatever the page shows
/// them), for each role, with a shop of the person's own merchant and of another: allowed, refused
/// (login / denied), or answered as an unknown shop with nothing changed and nothing shown.
/// </summary>
public sealed class ShopAuthorizationTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    /// <summary>Every change of a shop's page, with values that would change the shop; each named by the type of its outcome.</summary>
    private static readonly (string Change, Func<StaffOperations, int, Task<object>> Run)[] Changes =
    [
        ("settings", async (operations, shopId) => await operations.RunAsync((UpdateShopSettings update) => update.RunAsync(shopId, TakenOver(), CancellationToken.None))),
        ("create key", async (operations, shopId) => await operations.RunAsync((CreateSignatureKey keys) => keys.RunAsync(shopId, CancellationToken.None))),
        ("retire key", async (operations, shopId) => await operations.RunAsync((RetireSignatureKey keys) => keys.RunAsync(shopId, 1, CancellationToken.None))),
        ("request One Click", async (operations, shopId) => await operations.RunAsync((RequestOneClick requests) => requests.RunAsync(shopId, CancellationToken.None))),
        ("create API key", async (operations, shopId) => await operations.RunAsync((CreateApiKey keys) => keys.RunAsync(shopId, "Planted", CancellationToken.None))),
        ("revoke API key", async (operations, shopId) => await operations.RunAsync((RevokeApiKey keys) => keys.RunAsync(shopId, 1, CancellationToken.None))),
    ];

    private static ShopSettingsForm TakenOver() => new()
    {
        Name = "Taken over",
        WebsiteUrl = "https://evil.test/",
        SavedCardMinimumPayments = "1",
        Currencies = [new() { Code = "USD", Accepted = true }],
    };

    private Task<string> FingerprintAsync(int shopId = GatewayFactory.ShopId) => gateway.WithDbAsync(async db =>
    {
        var shop = await db.Shops.AsNoTracking().AsSingleQuery().SingleAsync(s => s.Id == shopId);
        return $"{shop.Name}|{shop.WebsiteUrl}|{string.Join(',', shop.SignatureKeys.Select(k => $"{k.Id}:{k.RetiredAt}"))}|{shop.OneClickRequest}|{await db.ApiKeys.CountAsync()}|{await db.AuditEntries.CountAsync()}";
    });

    /// <summary>Each change run in a circuit of the person with this e-mail (none: a circuit with no one signed in); the name of each outcome.</summary>
    private async Task<List<string>> RunEachAsync(string? email, int shopId = GatewayFactory.ShopId)
    {
        var outcomes = new List<string>();
        foreach (var (change, run) in Changes)
        {
            await using var circuit = new AccountPageContext(gateway);
            if (email is not null)
            {
                await circuit.ActAsAsync(email);
            }

            try
            {
                outcomes.Add($"{change}: {(await run(circuit.Services.GetRequiredService<StaffOperations>(), shopId)).GetType().Name}");
            }
            catch (StaffSessionEndedException)
            {
                outcomes.Add($"{change}: signed out");
            }
        }

        return outcomes;
    }

    private static IEnumerable<string> Each(string outcome) => Changes.Select(c => $"{c.Change}: {outcome}");

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_on_every_page_and_can_change_nothing()
    {
        var anonymous = Buyer.Of(gateway);
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync("/account/shops"), "GET /account/shops");
        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync(ShopUrl), "GET shop");
        (await RunEachAsync(email: null)).ShouldBe(Each("signed out"));

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Staff_of_the_merchant_is_refused_on_every_page_and_change()
    {
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "clerk@shops.test");
        var before = await FingerprintAsync();

        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync("/account/shops"), "GET /account/shops");
        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync(ShopUrl), "GET shop");
        (await RunEachAsync("clerk@shops.test")).ShouldBe(Each("NotFound"));

        (await FingerprintAsync()).ShouldBe(before);
        (await staff.GetAsync("/account")).Document.QuerySelector("a[href='/account/shops']").ShouldBeNull();
    }

    [Fact]
    public async Task Owner_of_the_merchant_may_open_every_page_and_make_every_change_of_their_shop()
    {
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "owner@shops.test");

        (await owner.Client.GetAsync("/account/shops")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.GetAsync(ShopUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Retiring key 1 is refused as the last active one only once a second key exists: it does here.
        (await RunEachAsync("owner@shops.test")).ShouldBe(["settings: Saved", "create key: Created", "retire key: Retired", "request One Click: Requested", "create API key: Created", "revoke API key: Revoked"]);
    }

    [Fact]
    public async Task Owner_of_another_merchant_gets_404_for_this_shop_and_changes_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId), "stranger@shops.test");
        await gateway.WithDbAsync(async db =>
        {
            db.ApiKeys.Add(OneClick.Core.Shops.ApiKey.Generate(GatewayFactory.ShopId, "Checkout server", DateTime.UtcNow).Key);
            return await db.SaveChangesAsync();
        });
        var before = await FingerprintAsync();
        var name = await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.Name).SingleAsync());

        var list = await stranger.GetAsync("/account/shops");
        list.Text.ShouldContain("Other Shop");
        list.Text.ShouldNotContain(name);
        var page = await stranger.Client.GetAsync(ShopUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldNotContain(name);
        (await RunEachAsync("stranger@shops.test")).ShouldBe(Each("NotFound"));

        (await FingerprintAsync()).ShouldBe(before);
        // Their own shop is theirs to open.
        (await stranger.Client.GetAsync($"/account/shops/{OtherShopId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_shop_id_is_404_like_another_merchants()
    {
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "owner@shops.test");

        (await owner.Client.GetAsync("/account/shops/999999")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await RunEachAsync("owner@shops.test", shopId: 999999)).ShouldBe(Each("NotFound"));
    }

    [Fact]
    public async Task Administrator_may_open_every_page_and_make_every_change_of_any_shop()
    {
        await gateway.AddShopAsync(OtherShopId, OtherKey, null);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null, "admin@shops.test");

        (await admin.Client.GetAsync("/account/shops")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.Client.GetAsync($"/account/shops/{OtherShopId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RunEachAsync("admin@shops.test")).ShouldBe(["settings: Saved", "create key: Created", "retire key: Retired", "request One Click: Requested", "create API key: Created", "revoke API key: Revoked"]);

        var page = await admin.GetAsync($"/account/shops/{OtherShopId}");
        page.Text.ShouldContain("Other Merchant");
    }
}
