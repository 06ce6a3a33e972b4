using OneClick.Web.Features.Contracts.Commands;

namespace OneClick.Web.Features.Contracts;

public static class ContractsServiceCollectionExtensions
{
    public static IServiceCollection AddContracts(this IServiceCollection services) => services.AddScoped<DeactivateContract>();
}
