using OneClick.Core.Acquiring;

namespace OneClick.Web.Features.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddSingleton<IAcquirer, SandboxAcquirer>();
        services.AddScoped<OrderStarter>();
        services.AddScoped<CardPaymentService>();
        services.AddScoped<OrderViews>();
        return services;
    }
}
