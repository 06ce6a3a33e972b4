using Microsoft.Extensions.Options;
using OneClick.Web.Persistence;

namespace OneClick.Web.Hosting;

public static class Startup
{
    /// <summary>Migrates the database and, in development or when asked, seeds the demo shop and prints how to use it.</summary>
    public static async Task InitializeAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        // Several nodes starting together migrate and seed one after another (decision 030).
        await using var startup = await StartupLock.TakeAsync(scope.ServiceProvider.GetRequiredService<DatabaseOptions>(), CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        var staff = scope.ServiceProvider.GetRequiredService<OneClick.Web.Features.BackOffice.StaffSeed>();
        await staff.EnsureRolesAsync();

        var options = scope.ServiceProvider.GetRequiredService<IOptions<OneClickOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OneClick");
        logger.LogInformation("Data folder: {DataDirectory}", app.Services.GetRequiredService<DataDirectory>().Path);
        // Outside development the demo shop exists only when asked for: Seed:Enabled, or a shop id or
        // key given by an outside test (docs/protocol.md section 9), or the demo shop site switched on.
        var asked = options.Seed.Enabled
            || options.DemoShop.IsEnabledIn(app.Environment)
            || !string.IsNullOrEmpty(app.Configuration[$"{OneClickOptions.Section}:Seed:ShopId"])
            || !string.IsNullOrEmpty(app.Configuration[$"{OneClickOptions.Section}:Seed:SignatureKey"]);
        if (!app.Environment.IsDevelopment() && !asked)
        {
            return;
        }

        var shop = await scope.ServiceProvider.GetRequiredService<DemoSeed>().ApplyAsync(CancellationToken.None);
        await staff.ApplyAsync(shop.MerchantId, app.Environment.IsDevelopment());
        if (app.Environment.IsDevelopment())
        {
            // Printed so that a person can sign requests by hand; only in development.
            logger.LogInformation("Demo shop: shopID {ShopId}, signature key {SignatureKey}", shop.Id, shop.SigningKey);
        }
        else
        {
            logger.LogInformation("Demo shop: shopID {ShopId}, signature key as configured", shop.Id);
        }
    }
}
