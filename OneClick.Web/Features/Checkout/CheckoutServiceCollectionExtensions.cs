using OneClick.Core.Acquiring;
using OneClick.Web.Features.Checkout.Payments;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Features.Telemetry;

namespace OneClick.Web.Features.Checkout;

public static class CheckoutServiceCollectionExtensions
{
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddSingleton<SandboxAcquirer>();
        // Each call timed and traced (oneclick.acquirer.duration); a real acquirer is to be wrapped here the same way.
        services.AddSingleton<IAcquirer>(sp => new MeasuredAcquirer(sp.GetRequiredService<SandboxAcquirer>(), sp.GetRequiredService<OneClickMetrics>()));
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
        services.AddScoped<GiveUpAbandonedChallenges>();
        return services;
    }
}
