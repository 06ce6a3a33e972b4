using OneClick.Core.Cards;
using OneClick.Web.Hosting;
using Quartz;

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
        services.AddQuartz(q => q.ScheduleJob<TokenExpiryJob>(
            trigger => trigger.WithIdentity("token-expiry", "oneclick").WithSimpleSchedule(TimeSpan.FromMinutes(15)),
            job => job.WithIdentity(TokenExpiryJob.Key)));
        return services;
    }
}
