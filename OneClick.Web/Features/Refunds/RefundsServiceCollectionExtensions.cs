using OneClick.Web.Features.Refunds.Commands;

namespace OneClick.Web.Features.Refunds;

public static class RefundsServiceCollectionExtensions
{
    public static IServiceCollection AddRefunds(this IServiceCollection services)
    {
        services.AddScoped<RefundSale>();
        services.AddScoped<CompleteRequestedRefunds>();
        return services;
    }
}
