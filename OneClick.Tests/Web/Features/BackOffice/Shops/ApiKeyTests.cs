using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;
using static OneClick.Tests.Web.Features.BackOffice.Shops.ShopSteps;
using ApiKey = OneClick.Core.Shops.ApiKey;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// A shop's API keys in the back-office, over the person's circuit (bUnit, on a real gateway): created
/// and shown once, stored as a hash only, revoked after a confirmation, audited; refused to staff and
/// to other merchants; and the operator's seeded key.
/// </summary>
public sealed class ApiKeyTests : IAsyncLifetime, IDisposable
{
    private const int OtherShopId = 70020;
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public ApiKeyTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    /// <summary>The seeded shop's page as a new owner of its merchant sees it over their circuit.</summary>
    private async Task<IRenderedComponent<ShopPage>> OpenAsOwnerAsync()
    {
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return await OpenShopAsync(context, GatewayFactory.ShopId);
    }

    private static void Create(IRenderedComponent<ShopPage> page, string name)
    {
        page.Type("Key name", name);
        page.Submit("Create an API key");
    }

    private Task<OneClick.Web.Features.BackOffice.Shops.Commands.RevokeApiKeyOutcome> RevokeAsync(int shopId, int keyId) =>
        context.RunAsync((RevokeApiKey keys) => keys.RunAsync(shopId, keyId, CancellationToken.None));

    private static Task<List<ApiKey>> KeysAsync(GatewayFactory gateway) =>
        gateway.WithDbAsync(db => db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync());

    /// <summary>Every stored column of every API key, as the database holds it.</summary>
    private static Task<List<string>> RowsAsync(GatewayFactory gateway) => Task.FromResult(DatabaseFile.FirstColumn(gateway.DataDirectory,
        "SELECT Id || '|' || ShopId || '|' || Name || '|' || Prefix || '|' || KeyHash || '|' || CAST(CreatedAt AS TEXT) || '|' || COALESCE(CAST(RevokedAt AS TEXT), '') FROM ApiKeys"));

    private Task<List<OneClick.Web.Features.Audit.AuditEntry>> AuditAsync(string action) =>
        gateway.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync());

    private Task<ApiKey> AddKeyAsync(string name) => gateway.WithDbAsync(async db =>
    {
        var (apiKey, _) = ApiKey.Generate(GatewayFactory.ShopId, name, DateTime.UtcNow);
        db.ApiKeys.Add(apiKey);
        await db.SaveChangesAsync();
        return apiKey;
    });

    private Task<string> FingerprintAsync() => gateway.WithDbAsync(async db =>
        string.Join(';', await db.ApiKeys.OrderBy(k => k.Id).Select(k => $"{k.Id}:{k.ShopId}:{k.RevokedAt}").ToListAsync())
        + $"|{await db.AuditEntries.CountAsync()}");

    [Fact]
    public async Task Create_shows_the_key_once_and_stores_only_its_hash()
    {
        var page = await OpenAsOwnerAsync();
        page.Markup.ShouldContain("This shop has no API key yet.");

        Create(page, "Checkout server");

        page.WaitForAssertion(() => page.FindAll("#new-api-key").ShouldHaveSingleItem());
        var key = page.Find("#new-api-key").TextContent.Trim();
        key.ShouldStartWith("ock_");
        key.Length.ShouldBe(47);
        page.Markup.ShouldContain("shown only this once");
        page.Field("Key name").GetAttribute("value").ShouldBeNullOrEmpty();
        var stored = (await KeysAsync(gateway)).ShouldHaveSingleItem();
        (stored.ShopId, stored.Name, stored.Prefix, stored.KeyHash, stored.RevokedAt).ShouldBe((GatewayFactory.ShopId, "Checkout server", key[..12], ApiKey.Hash(key), null));
        (await RowsAsync(gateway)).ShouldHaveSingleItem().ShouldNotContain(key[12..]);
        var table = page.Find("#api-keys").TextContent;
        table.ShouldContain("Checkout server");
        table.ShouldContain(key[..12] + "…");
        table.ShouldContain("Active");

        var again = await OpenShopAsync(context, GatewayFactory.ShopId);
        again.FindAll("#new-api-key").ShouldBeEmpty();
        again.Markup.ShouldNotContain(key);
        again.Markup.ShouldNotContain(stored.KeyHash);
        again.Find("#api-keys").TextContent.ShouldContain(key[..12] + "…");
        var entry = (await AuditAsync("shop.apikey.create")).ShouldHaveSingleItem();
        entry.Subject.ShouldBe("shop 64233");
        entry.After!.ShouldContain("Checkout server");
        entry.After!.ShouldContain(key[..12]);
        (entry.Before + entry.After).ShouldNotContain(key);
        (entry.Before + entry.After).ShouldNotContain(stored.KeyHash);
    }

    [Theory]
    [InlineData("", "Enter a name")]
    [InlineData("   ", "Enter a name")]
    public async Task Create_without_a_name_says_so_next_to_the_field_and_creates_nothing(string name, string message)
    {
        var page = await OpenAsOwnerAsync();

        Create(page, name);

        page.WaitForAssertion(() => page.FieldMessage("Key name").ShouldContain(message));
        page.FindAll("#new-api-key").ShouldBeEmpty();
        (await KeysAsync(gateway)).ShouldBeEmpty();
        (await AuditAsync("shop.apikey.create")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_with_a_too_long_name_keeps_it_with_its_message()
    {
        var page = await OpenAsOwnerAsync();
        var name = new string('n', 101);

        Create(page, name);

        page.WaitForAssertion(() => page.FieldMessage("Key name").ShouldContain("at most 100 characters"));
        page.Field("Key name").GetAttribute("value").ShouldBe(name);
        (await KeysAsync(gateway)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Revoke_is_confirmed_marks_the_key_revoked_and_is_audited_once()
    {
        var apiKey = await AddKeyAsync("Checkout server");
        await AddKeyAsync("Reporting");
        var page = await OpenAsOwnerAsync();

        page.Press("Revoke Checkout server");
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("Revoke the API key \"Checkout server\"?"));
        page.Press("Keep the key");
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        (await KeysAsync(gateway)).ShouldAllBe(k => k.IsActive);
        page.Press("Revoke Checkout server");
        page.Press("Yes, revoke key");

        page.Snackbar().ShouldContain("\"Checkout server\" is revoked");
        var keys = await KeysAsync(gateway);
        keys.Single(k => k.Id == apiKey.Id).RevokedAt.ShouldNotBeNull();
        keys.Single(k => k.Name == "Reporting").IsActive.ShouldBeTrue();
        page.WaitForAssertion(() => page.FindAll("button").ShouldNotContain(b => b.TextContent.Trim() == "Revoke Checkout server"));
        page.FindAll("button").ShouldContain(b => b.TextContent.Trim() == "Revoke Reporting");
        var entry = (await AuditAsync("shop.apikey.revoke")).ShouldHaveSingleItem();
        entry.Before!.ShouldContain("\"revokedAt\":null");
        entry.After!.ShouldContain($"\"keyId\":{apiKey.Id}");
        (entry.Before + entry.After).ShouldNotContain(apiKey.KeyHash);

        // Revoked again (another tab that still showed it): the key is not active any more.
        (await RevokeAsync(GatewayFactory.ShopId, apiKey.Id)).ShouldBeOfType<RevokeApiKeyOutcome.NotActive>();
        (await AuditAsync("shop.apikey.revoke")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_and_staff_is_refused_on_the_page_and_its_changes()
    {
        var apiKey = await AddKeyAsync("Checkout server");
        var before = await FingerprintAsync();
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway), "clerk@keys.test");

        BackOfficeForms.ShouldAskToSignIn(await gateway.CreatePlainClient().GetAsync(ShopUrl), "anonymous GET");
        await Should.ThrowAsync<StaffSessionEndedException>(() => RevokeAsync(GatewayFactory.ShopId, apiKey.Id));
        await Should.ThrowAsync<StaffSessionEndedException>(() => context.RunAsync((CreateApiKey keys) => keys.RunAsync(GatewayFactory.ShopId, "x", CancellationToken.None)));
        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync(ShopUrl), "staff GET");
        await context.ActAsAsync("clerk@keys.test");
        (await context.RunAsync((CreateApiKey keys) => keys.RunAsync(GatewayFactory.ShopId, "x", CancellationToken.None))).ShouldBeOfType<CreateApiKeyOutcome.NotFound>();
        (await RevokeAsync(GatewayFactory.ShopId, apiKey.Id)).ShouldBeOfType<RevokeApiKeyOutcome.NotFound>();

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Owner_of_another_merchant_gets_404_and_changes_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var apiKey = await AddKeyAsync("Checkout server");
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId), "stranger@keys.test");
        await context.ActAsAsync("stranger@keys.test");
        var before = await FingerprintAsync();

        var page = await stranger.Client.GetAsync(ShopUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldNotContain(apiKey.Prefix);
        (await context.RunAsync((CreateApiKey keys) => keys.RunAsync(GatewayFactory.ShopId, "Taken over", CancellationToken.None))).ShouldBeOfType<CreateApiKeyOutcome.NotFound>();
        (await RevokeAsync(GatewayFactory.ShopId, apiKey.Id)).ShouldBeOfType<RevokeApiKeyOutcome.NotFound>();

        (await FingerprintAsync()).ShouldBe(before);
        // On their own shop, this merchant's key is not there to revoke.
        (await RevokeAsync(OtherShopId, apiKey.Id)).ShouldBeOfType<RevokeApiKeyOutcome.NotActive>();
        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Administrator_may_create_and_revoke_keys_of_any_shop()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        await context.ActAsNewAsync(StaffRoles.Administrator, null);
        var page = await OpenShopAsync(context, OtherShopId);

        Create(page, "Support");
        page.WaitForAssertion(() => page.FindAll("#new-api-key").ShouldHaveSingleItem());
        Settled(page, "Create an API key");
        page.Press("Revoke Support");
        page.Press("Yes, revoke key");

        page.Snackbar().ShouldContain("is revoked");
        var stored = (await KeysAsync(gateway)).ShouldHaveSingleItem();
        (stored.ShopId, stored.IsActive).ShouldBe((OtherShopId, false));
    }

    [Fact]
    public async Task Seeded_api_key_is_stored_hashed_once_for_the_seeded_shop()
    {
        const string seeded = "ock_test_seeded_key_0123456789abcdef";
        using var seededGateway = new GatewayFactory();
        seededGateway.Set("OneClick:Seed:ApiKey", seeded);

        var stored = (await KeysAsync(seededGateway)).ShouldHaveSingleItem();

        (stored.ShopId, stored.Name, stored.KeyHash, stored.Prefix, stored.IsActive)
            .ShouldBe((GatewayFactory.ShopId, "Seeded key", ApiKey.Hash(seeded), "ock_test_see", true));
        (await RowsAsync(seededGateway)).ShouldHaveSingleItem().ShouldNotContain(seeded[12..]);

        // Seeding again, as after a restart, keeps the one key.
        await SeedAgainAsync(seededGateway);
        (await KeysAsync(seededGateway)).ShouldHaveSingleItem().Id.ShouldBe(stored.Id);

        // Revoked in the back-office, it is active again after a restart: configuration is the operator's word.
        await seededGateway.WithDbAsync(async db =>
        {
            (await db.ApiKeys.SingleAsync()).Revoke(DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        await SeedAgainAsync(seededGateway);
        var again = (await KeysAsync(seededGateway)).ShouldHaveSingleItem();
        (again.KeyHash, again.IsActive).ShouldBe((ApiKey.Hash(seeded), true));
    }

    private static async Task SeedAgainAsync(GatewayFactory gateway)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoSeed>().ApplyAsync(CancellationToken.None);
    }
}
