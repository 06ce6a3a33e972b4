using OneClick.Web.Features.Checkout;

namespace OneClick.Web.Features.SaleStatus;

public static class SaleStatusRegistration
{
    public static IServiceCollection AddSaleStatus(this IServiceCollection services)
    {
        services.AddScoped<SaleStatusLookup>();
        return services;
    }

    public static IEndpointRouteBuilder MapSaleStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet(SaleStatusEndpoint.Route, SaleStatusEndpoint.HandleAsync)
            .DisableAntiforgery() // A signed GET from a merchant's server, not a form of ours: the signature is its proof.
            .RequireRateLimiting(StartOrderEndpoint.RateLimitPolicy); // The budget merchants' requests already share.
        return app;
    }
}
