using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.BackOffice.Shops.Queries;

namespace OneClick.Web.Features.BackOffice.Shops;

public static class ShopsServiceCollectionExtensions
{
    /// <summary>The back-office Shops section (/account/shops): its queries and commands. Safe to call twice.</summary>
    public static IServiceCollection AddBackOfficeShops(this IServiceCollection services)
    {
        services.TryAddScoped<ShopListQuery>();
        services.TryAddScoped<ShopDetailQuery>();
        services.TryAddScoped<CreateShop>();
        services.TryAddScoped<UpdateShopSettings>();
        services.TryAddScoped<CreateSignatureKey>();
        services.TryAddScoped<RetireSignatureKey>();
        services.TryAddScoped<RequestOneClick>();
        services.TryAddScoped<CreateApiKey>();
        services.TryAddScoped<RevokeApiKey>();
        return services;
    }
}
