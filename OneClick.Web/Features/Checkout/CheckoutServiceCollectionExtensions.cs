using OneClick.Core.Acquiring;
using Quartz;

namespace OneClick.Web.Features.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddSingleton<IAcquirer, SandboxAcquirer>();
        services.AddScoped<OrderStarter>();
        services.AddScoped<CardPaymentService>();
        services.AddScoped<OrderViews>();
        services.AddQuartz(q => q.ScheduleJob<AbandonedAuthenticationJob>(
            trigger => trigger.WithIdentity("abandoned-authentication", "oneclick").WithSimpleSchedule(TimeSpan.FromMinutes(5)),
            job => job.WithIdentity(AbandonedAuthenticationJob.Key)));
        return services;
    }
}
