using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// While the demo shop runs, its seeded shop has One Click on, so that "buy again with one click"
/// works out of the box; a configured <c>OneClick:Seed:OneClickEnabled</c> always wins.
/// </summary>
public sealed class DemoSeedOneClickTests
{
    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, "false", false)]
    [InlineData(true, "true", true)]
    [InlineData(false, null, false)]
    [InlineData(false, "true", true)]
    public async Task Seeded_shop_has_One_Click_on_with_the_demo_shop_unless_configured(bool demoShop, string? configured, bool expected)
    {
        using var gateway = new GatewayFactory();
        // The demo shop's server does not start under the in-memory test server (no address to
        // give it), but the seed sees it switched on all the same.
        gateway.Set("OneClick:DemoShop:Enabled", demoShop ? "true" : "false");
        if (configured is not null)
        {
            gateway.Set("OneClick:Seed:OneClickEnabled", configured);
        }

        var enabled = await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.OneClickEnabled).SingleAsync());

        enabled.ShouldBe(expected);
    }
}
