using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OneClick.Web.Features.BackOffice.Customers;

public static class CustomersServiceCollectionExtensions
{
    /// <summary>The back-office Customers section (/account/customers). Safe to call twice.</summary>
    public static IServiceCollection AddBackOfficeCustomers(this IServiceCollection services)
    {
        services.TryAddScoped<CustomerDirectory>();
        services.TryAddScoped<CustomerCare>();
        return services;
    }
}
