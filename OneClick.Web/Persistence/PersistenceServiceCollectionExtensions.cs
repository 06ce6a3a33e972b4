using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OneClick.Web.Hosting;

namespace OneClick.Web.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, DataDirectory dataDirectory, IHostEnvironment environment)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dataDirectory.PathOf("oneclick.db"),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // Pooled: a request or a postback takes a ready context instead of building one.
        services.AddSingleton<ShopSnapshots>();
        services.AddSingleton<ShopChangeInterceptor>();
        services.AddDbContextPool<OneClickDbContext>((services, options) => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteBusyTimeout(), services.GetRequiredService<ShopChangeInterceptor>())
            .ConfigureWarnings(w =>
            {
                // Migrations are hand-written (docs/decisions/002); a test proves they equal the model.
                w.Ignore(RelationalEventId.PendingModelChangesWarning);
                // A query loading two collections must say single or split query (ShopConfiguration says
                // why shops are single): it fails in tests and development. In production it is logged
                // and runs as a single query: a page nobody tested still answers.
                if (!environment.IsProduction())
                {
                    w.Throw(RelationalEventId.MultipleCollectionIncludeWarning);
                }
            }));
        services.AddSingleton<WriteGate>();
        services.AddScoped<DatabaseInitializer>();
        return services;
    }
}
