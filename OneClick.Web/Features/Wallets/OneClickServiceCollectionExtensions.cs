using OneClick.Core.Cards;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Wallets;

public static class OneClickServiceCollectionExtensions
{
    public static IServiceCollection AddOneClick(this IServiceCollection services)
    {
        // The master key is shared with the data-protection key ring (AddMasterKey): loaded once.
        services.AddSingleton(sp => new CardVault(sp.GetRequiredService<MasterKey>().Bytes));
        services.AddScoped<OneClickTokens>();
        services.AddScoped<BrowserWallets>();
        services.AddScoped<BuyerWallets>();
        services.AddScoped<UnionCustomers>();
        services.AddScoped<Commands.ExpireTokens>();
        return services;
    }
}
