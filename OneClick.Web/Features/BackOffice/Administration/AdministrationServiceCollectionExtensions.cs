using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Web.Features.BackOffice.Administration.Commands;
using OneClick.Web.Features.BackOffice.Administration.Queries;

namespace OneClick.Web.Features.BackOffice.Administration;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>The back-office Administration section (/account/admin): its query and commands. Safe to call twice.</summary>
    public static IServiceCollection AddBackOfficeAdministration(this IServiceCollection services)
    {
        services.TryAddScoped<AdministrationOverviewQuery>();
        services.TryAddScoped<GatewayHealthQuery>();
        services.TryAddScoped<AnswerOneClickRequest>();
        services.TryAddScoped<CreateCustomerUnion>();
        services.TryAddScoped<JoinShopToUnion>();
        return services;
    }
}
