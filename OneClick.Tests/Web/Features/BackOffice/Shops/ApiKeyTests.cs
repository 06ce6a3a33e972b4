using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;
using ApiKey = OneClick.Core.Shops.ApiKey;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// A shop's API keys in the back-office: created and shown once, stored as a hash only, revoked,
/// audited; refused to staff and to other merchants; and the operator's seeded key.
/// </summary>
public sealed class ApiKeyTests : IDisposable
{
    private const int OtherShopId = 70020;
    private const string ShopUrl = "/account/shops/64233";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private async Task<Buyer> OwnerAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    private static Task<List<ApiKey>> KeysAsync(GatewayFactory gateway) =>
        gateway.WithDbAsync(db => db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync());

    /// <summary>Every stored column of every API key, as the database holds it.</summary>
    private static Task<List<string>> RowsAsync(GatewayFactory gateway) =>
        gateway.WithDbAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT Id || '|' || ShopId || '|' || Name || '|' || Prefix || '|' || KeyHash || '|' || CreatedAt || '|' || IFNULL(RevokedAt, '') AS Value FROM ApiKeys").ToListAsync());

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
        var owner = await OwnerAsync();
        var page = await owner.GetAsync(ShopUrl);
        page.Text.ShouldContain("This shop has no API key yet.");

        var created = await owner.SubmitAsync(page, "Create an API key", new() { ["CreateApiKey.Name"] = "Checkout server" });

        created.Status.ShouldBe(HttpStatusCode.OK);
        var key = created.Document.GetElementById("new-api-key")!.TextContent.Trim();
        key.ShouldStartWith("ock_");
        key.Length.ShouldBe(47);
        created.Text.ShouldContain("shown only this once");
        var stored = (await KeysAsync(gateway)).ShouldHaveSingleItem();
        (stored.ShopId, stored.Name, stored.Prefix, stored.KeyHash, stored.RevokedAt).ShouldBe((GatewayFactory.ShopId, "Checkout server", key[..12], ApiKey.Hash(key), null));
        (await RowsAsync(gateway)).ShouldHaveSingleItem().ShouldNotContain(key[12..]);
        var table = created.Document.GetElementById("api-keys")!.TextContent;
        table.ShouldContain("Checkout server");
        table.ShouldContain(key[..12] + "…");
        table.ShouldContain("Active");

        var again = await owner.GetAsync(ShopUrl);
        again.Document.QuerySelector("#new-api-key").ShouldBeNull();
        again.Html.ShouldNotContain(key);
        again.Html.ShouldNotContain(stored.KeyHash);
        again.Document.GetElementById("api-keys")!.TextContent.ShouldContain(key[..12] + "…");
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
        var owner = await OwnerAsync();

        var refused = await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Create an API key", new() { ["CreateApiKey.Name"] = name });

        refused.Status.ShouldBe(HttpStatusCode.OK);
        BackOfficeForms.FieldMessage(refused, "Key name").ShouldContain(message);
        refused.Document.QuerySelector("#new-api-key").ShouldBeNull();
        (await KeysAsync(gateway)).ShouldBeEmpty();
        (await AuditAsync("shop.apikey.create")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_with_a_too_long_name_keeps_it_with_its_message()
    {
        var owner = await OwnerAsync();
        var name = new string('n', 101);

        var refused = await owner.SubmitAsync(await owner.GetAsync(ShopUrl), "Create an API key", new() { ["CreateApiKey.Name"] = name });

        BackOfficeForms.FieldMessage(refused, "Key name").ShouldContain("at most 100 characters");
        refused.Document.GetElementById("api-key-name")!.GetAttribute("value").ShouldBe(name);
        (await KeysAsync(gateway)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Revoke_marks_the_key_revoked_and_is_audited_once()
    {
        var owner = await OwnerAsync();
        var apiKey = await AddKeyAsync("Checkout server");
        await AddKeyAsync("Reporting");
        var page = await owner.GetAsync(ShopUrl);

        var revoked = await owner.SubmitAsync(page, "Revoke Checkout server");

        revoked.Text.ShouldContain("\"Checkout server\" is revoked");
        var keys = await KeysAsync(gateway);
        keys.Single(k => k.Id == apiKey.Id).RevokedAt.ShouldNotBeNull();
        keys.Single(k => k.Name == "Reporting").IsActive.ShouldBeTrue();
        revoked.Document.QuerySelectorAll("button").ShouldNotContain(b => b.TextContent.Trim() == "Revoke Checkout server");
        revoked.Document.QuerySelectorAll("button").ShouldContain(b => b.TextContent.Trim() == "Revoke Reporting");
        var entry = (await AuditAsync("shop.apikey.revoke")).ShouldHaveSingleItem();
        entry.Before!.ShouldContain("\"revokedAt\":null");
        entry.After!.ShouldContain($"\"keyId\":{apiKey.Id}");
        (entry.Before + entry.After).ShouldNotContain(apiKey.KeyHash);

        // The old page, posted again: the key is not active any more.
        var again = await owner.SubmitAsync(page, "Revoke Checkout server");

        again.Document.GetElementById("api-key-message")!.TextContent.ShouldContain("not an active API key");
        (await AuditAsync("shop.apikey.revoke")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Anonymous_is_sent_to_sign_in_and_staff_is_refused_on_the_page_and_posts()
    {
        var apiKey = await AddKeyAsync("Checkout server");
        var before = await FingerprintAsync();
        var anonymous = Buyer.Of(gateway);
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        BackOfficeForms.ShouldAskToSignIn(await anonymous.Client.GetAsync(ShopUrl), "anonymous GET");
        BackOfficeForms.ShouldAskToSignIn(await BackOfficeForms.PostAsync(anonymous, ShopUrl, "create-api-key", new() { ["CreateApiKey.Name"] = "x" }), "anonymous create");
        BackOfficeForms.ShouldAskToSignIn(await BackOfficeForms.PostAsync(anonymous, ShopUrl, "revoke-api-key", new() { ["RevokeApiKey.KeyId"] = $"{apiKey.Id}" }), "anonymous revoke");
        BackOfficeForms.ShouldBeDenied(await staff.Client.GetAsync(ShopUrl), "staff GET");
        BackOfficeForms.ShouldBeDenied(await BackOfficeForms.PostAsync(staff, ShopUrl, "create-api-key", new() { ["CreateApiKey.Name"] = "x" }), "staff create");
        BackOfficeForms.ShouldBeDenied(await BackOfficeForms.PostAsync(staff, ShopUrl, "revoke-api-key", new() { ["RevokeApiKey.KeyId"] = $"{apiKey.Id}" }), "staff revoke");

        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Owner_of_another_merchant_gets_404_and_changes_nothing()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var apiKey = await AddKeyAsync("Checkout server");
        var stranger = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, OtherShopId));
        var before = await FingerprintAsync();

        var page = await stranger.Client.GetAsync(ShopUrl);
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldNotContain(apiKey.Prefix);
        foreach (var (form, fields) in new (string, Dictionary<string, string>)[]
        {
            ("create-api-key", new() { ["CreateApiKey.Name"] = "Taken over" }),
            ("revoke-api-key", new() { ["RevokeApiKey.KeyId"] = $"{apiKey.Id}" }),
        })
        {
            var response = await BackOfficeForms.PostAsync(stranger, ShopUrl, form, fields);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, "POST " + form);
            body.ShouldNotContain("new-api-key", Case.Sensitive, "POST " + form);
            body.ShouldNotContain(apiKey.Prefix, Case.Sensitive, "POST " + form);
        }

        (await FingerprintAsync()).ShouldBe(before);
        // On their own shop, this merchant's key is not there to revoke.
        var own = await BackOfficeForms.PostAsync(stranger, $"/account/shops/{OtherShopId}", "revoke-api-key", new() { ["RevokeApiKey.KeyId"] = $"{apiKey.Id}" });
        (await own.Content.ReadAsStringAsync()).ShouldContain("not an active API key");
        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Administrator_may_create_and_revoke_keys_of_any_shop()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopKey-0123456789abcdef", null);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);

        var created = await admin.SubmitAsync(await admin.GetAsync($"/account/shops/{OtherShopId}"), "Create an API key", new() { ["CreateApiKey.Name"] = "Support" });
        created.Document.GetElementById("new-api-key").ShouldNotBeNull();
        var revoked = await admin.SubmitAsync(await admin.GetAsync($"/account/shops/{OtherShopId}"), "Revoke Support");

        revoked.Text.ShouldContain("is revoked");
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
