namespace OneClick.Web.Features.DemoShop;

public static class DemoShopServiceCollectionExtensions
{
    /// <summary>The demo merchant shop next to the gateway; whether it runs is decided at start (OneClick:DemoShop:Enabled).</summary>
    public static IServiceCollection AddDemoShop(this IServiceCollection services) =>
        services.AddSingleton<RunningDemoShop>().AddHostedService<DemoShopHost>();
}
