using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.BackOffice.Customers.Queries;

namespace OneClick.Web.Features.BackOffice.Customers;

public static class CustomersServiceCollectionExtensions
{
    /// <summary>The back-office Customers section (/account/customers). Safe to call twice.</summary>
    public static IServiceCollection AddBackOfficeCustomers(this IServiceCollection services)
    {
        services.TryAddScoped<CustomerListQuery>();
        services.TryAddScoped<CustomerDetailQuery>();
        services.TryAddScoped<CustomerTurnoverQuery>();
        services.TryAddScoped<CustomerAccessQuery>();
        services.TryAddScoped<SetCustomerStatus>();
        services.TryAddScoped<RemoveSavedCard>();
        services.TryAddScoped<DeactivateCustomerContract>();
        return services;
    }
}
