using OneClick.Core.Acquiring;
using OneClick.Web.Features.Checkout.Payments;
using OneClick.Web.Features.Checkout.Queries;
using Quartz;

namespace OneClick.Web.Features.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddSingleton<IAcquirer, SandboxAcquirer>();
        services.AddScoped<OrderStarter>();
        services.AddScoped<OrderViews>();
        services.AddScoped<PayWithCard>();
        services.AddScoped<PayWithSavedCard>();
        services.AddScoped<PayInstant>();
        services.AddScoped<PayContract>();
        services.AddScoped<AnswerAuthentication>();
        services.AddScoped<AbandonAuthentication>();
        services.AddScoped<CancelOrder>();
        services.AddScoped<PaymentAttempt>();
        services.AddScoped<Settlement>();
        services.AddScoped<ChargeableContractQuery>();
        services.AddScoped<ContractPaymentInFlightQuery>();
        services.AddScoped<TurnoverQuery>();
        services.AddScoped<OrderPageQuery>();
        services.AddScoped<DeclinedSaleQuery>();
        services.AddQuartz(q => q.ScheduleJob<AbandonedAuthenticationJob>(
            trigger => trigger.WithIdentity("abandoned-authentication", "oneclick").WithSimpleSchedule(TimeSpan.FromMinutes(5)),
            job => job.WithIdentity(AbandonedAuthenticationJob.Key)));
        return services;
    }
}
