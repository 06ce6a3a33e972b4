using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OneClick.Web.Hosting;

namespace OneClick.Web.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, DataDirectory dataDirectory, IHostEnvironment environment, DatabaseOptions? database = null)
    {
        var durability = (database ?? new DatabaseOptions()).Synchronous;
        if (!Enum.IsDefined(durability))
        {
            throw new InvalidOperationException($"OneClick:Database:Synchronous is {(int)durability}: set it to Full (the default) or Normal.");
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dataDirectory.PathOf("oneclick.db"),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // Pooled: a request or a postback takes a ready context instead of building one. Each keeps its
        // connection open (KeptConnection), so the pool holds at most 128; more at once are disposed.
        services.AddSingleton<ShopSnapshots>();
        services.AddSingleton<ShopChangeInterceptor>();
        services.AddSingleton<KeptStatements>();
        services.AddSingleton<RowStatements>();
        services.AddDbContextPool<OneClickDbContext>((services, options) => KeptConnection.Use(options.UseSqlite(connectionString))
            .AddInterceptors(Interceptors(services, durability))
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
            }),
            poolSize: 128);
        services.AddSingleton(database ?? new DatabaseOptions());
        services.AddSingleton<WriteGate>();
        services.AddScoped<DatabaseInitializer>();
        return services;
    }

    private static IEnumerable<IInterceptor> Interceptors(IServiceProvider services, Durability durability)
    {
        yield return new SqliteBusyTimeout();
        yield return services.GetRequiredService<ShopChangeInterceptor>();
        yield return services.GetRequiredService<KeptStatements>();
        if (durability != Durability.Full)
        {
            yield return new SqliteDurability(durability);
        }
    }
}
