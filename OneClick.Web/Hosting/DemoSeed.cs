using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;

namespace OneClick.Web.Hosting;

/// <summary>
/// Creates (or brings in line with configuration) the demo merchant and shop, so that a person or
/// an outside test can start a gateway and pay at once with a shop they know.
/// </summary>
public sealed class DemoSeed(OneClickDbContext db, IOptions<OneClickOptions> options, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock, ILogger<DemoSeed> logger)
{
    public async Task<Shop> ApplyAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value.Seed;
        var now = clock.GetUtcNow().UtcDateTime;
        // With the demo shop running, the seeded shop is that shop: its pages are the defaults.
        // Configured URLs always win.
        var demoShop = options.Value.DemoShop.IsEnabledIn(environment) ? options.Value.DemoShop.BaseUrl : null;
        var website = new Uri(Configured(seed.WebsiteUrl) ?? (demoShop is null ? SeedOptions.DefaultWebsiteUrl : demoShop + "/"), UriKind.Absolute);

        var shop = await db.Shops.AsSingleQuery().SingleOrDefaultAsync(s => s.Id == seed.ShopId, cancellationToken);
        if (shop is null)
        {
            var merchant = new Merchant(seed.MerchantName, now);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync(cancellationToken);
            shop = new Shop(seed.ShopId, merchant.Id, seed.ShopName, website, now);
            db.Shops.Add(shop);
        }

        shop.SetUrls(
            Optional(Configured(seed.SuccessUrl) ?? DemoShopPage(demoShop, "return")),
            Optional(Configured(seed.DeclineUrl) ?? DemoShopPage(demoShop, "declined")),
            Optional(Configured(seed.PostbackUrl) ?? DemoShopPage(demoShop, "postback")));
        // Configured hosts are the whole list; without any, the website's host (and, in development,
        // the loopback names the demo shop runs on). The demo shop, when it runs, sends its own
        // return and decline URLs as backURL / declineURL, so its host is always allowed.
        List<string> hosts = seed.AllowedRedirectHosts.Count > 0
            ? [.. seed.AllowedRedirectHosts]
            : environment.IsDevelopment() ? [Shop.RedirectEntryFor(website), "localhost", "127.0.0.1"] : [Shop.RedirectEntryFor(website)];
        if (demoShop is not null)
        {
            // Its origin, port included (http://localhost:5090 by default).
            hosts.Add(Shop.RedirectEntryFor(new Uri(demoShop, UriKind.Absolute)));
        }

        shop.SetAllowedRedirectHosts(hosts);
        // The demo shop shows One Click ("buy again with one click"), so while it runs its shop has
        // One Click on unless configured: a configured value, false too, always wins.
        var oneClickConfigured = !string.IsNullOrEmpty(configuration[$"{OneClickOptions.Section}:Seed:{nameof(SeedOptions.OneClickEnabled)}"]);
        shop.SetOneClick(oneClickConfigured ? seed.OneClickEnabled : demoShop is not null);
        shop.SetLegacySha1(seed.AcceptLegacySha1);
        shop.RequireBillingAddress(seed.RequireBillingAddress);

        if (!string.IsNullOrWhiteSpace(seed.SignatureKey))
        {
            // Configuration is the operator's word: the configured key becomes the only active one.
            if (!shop.ActiveKeys.Contains(seed.SignatureKey, StringComparer.Ordinal))
            {
                var active = shop.SignatureKeys.Where(k => k.RetiredAt is null).ToList();
                if (active.Count == 0)
                {
                    shop.AddSignatureKey(seed.SignatureKey, now);
                }
                else
                {
                    foreach (var extra in active.Skip(1))
                    {
                        shop.RetireSignatureKey(extra, now);
                    }

                    shop.AddSignatureKeyReplacing(active[0], seed.SignatureKey, now);
                }
            }
        }
        else if (!shop.ActiveKeys.Any())
        {
            shop.AddSignatureKey(NewKey(), now);
        }

        if (!string.IsNullOrEmpty(seed.ApiKey))
        {
            await SeedApiKeyAsync(shop, seed.ApiKey, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo shop {ShopId} '{ShopName}' is ready at {WebsiteUrl} (redirect hosts: {Hosts}).",
            shop.Id, shop.Name, shop.WebsiteUrl, string.Join(", ", shop.AllowedRedirectHosts));
        return shop;
    }

    /// <summary>
    /// Makes the configured key an active key of the seeded shop, stored as its hash only. As with the
    /// signature key, configuration is the operator's word: a revoked row, or one of another shop,
    /// with that hash gives way to it.
    /// </summary>
    private async Task SeedApiKeyAsync(Shop shop, string key, DateTime now, CancellationToken cancellationToken)
    {
        var hash = ApiKey.Hash(key);
        var existing = await db.ApiKeys.SingleOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
        if (existing is { IsActive: true } && existing.ShopId == shop.Id)
        {
            return;
        }

        if (existing is not null)
        {
            db.ApiKeys.Remove(existing);
            // The hash is unique: the old row goes before the new one comes.
            await db.SaveChangesAsync(cancellationToken);
        }

        db.ApiKeys.Add(ApiKey.FromKey(shop.Id, "Seeded key", key, now));
    }

    private static Uri? Optional(string? url) => string.IsNullOrWhiteSpace(url) ? null : new Uri(url, UriKind.Absolute);

    private static string? Configured(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? DemoShopPage(string? demoShop, string path) => demoShop is null ? null : $"{demoShop}/{path}";

    private static string NewKey()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 30);
    }
}
