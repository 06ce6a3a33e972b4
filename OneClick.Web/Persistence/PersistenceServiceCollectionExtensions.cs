using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OneClick.Web.Hosting;

namespace OneClick.Web.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, DataDirectory dataDirectory, IHostEnvironment environment, DatabaseOptions? database = null)
    {
        database ??= new DatabaseOptions();
        var durability = database.Synchronous;
        if (!Enum.IsDefined(durability))
        {
            throw new InvalidOperationException($"OneClick:Database:Synchronous is {(int)durability}: set it to Full (the default) or Normal.");
        }

        if (!Enum.IsDefined(database.Provider))
        {
            throw new InvalidOperationException($"OneClick:Database:Provider is {(int)database.Provider}: set it to Sqlite (the default) or PostgreSql.");
        }

        var postgreSql = database.IsPostgreSql ? PostgreSqlConnectionString(database.ConnectionString) : null;
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = dataDirectory.PathOf("oneclick.db"),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // Pooled: a request or a postback takes a ready context instead of building one. On SQLite each
        // keeps its connection open (KeptConnection), so the pool holds at most 128; more at once are disposed.
        // The gateway's clock, unless the host chose one (Program.cs does; a test may move it).
        services.TryAddSingleton<TimeProvider>(new MicrosecondClock(TimeProvider.System));
        services.AddSingleton<ShopSnapshots>();
        services.AddSingleton<ShopChangeInterceptor>();
        services.AddSingleton<KeptStatements>();
        services.AddSingleton<RowStatements>();
        services.AddDbContextPool<OneClickDbContext>((services, options) => (postgreSql is null
                ? KeptConnection.Use(options.UseSqlite(sqlite)).AddInterceptors(Interceptors(services, durability))
                : options.UseNpgsql(postgreSql).AddInterceptors(services.GetRequiredService<ShopChangeInterceptor>()))
            .ReplaceService<IMigrationsAssembly, ProviderMigrations>()
            .ConfigureWarnings(w =>
            {
                // SQLite's migrations are hand-written (docs/decisions/002); a test proves each provider's equal the model.
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
        services.AddSingleton(database);
        services.AddSingleton<WriteGate>();
        services.AddScoped<DatabaseInitializer>();
        return services;
    }

    /// <summary>
    /// The operator's PostgreSQL connection string, with the statements run often kept prepared on
    /// each connection (Npgsql's own automatic preparation, what KeptStatements does for SQLite) unless
    /// the operator chose otherwise.
    /// </summary>
    internal static string PostgreSqlConnectionString(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException("OneClick:Database:Provider is PostgreSql but OneClick:Database:ConnectionString is empty: set it to the server's connection string, e.g. Host=localhost;Database=oneclick;Username=oneclick;Password=...");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"OneClick:Database:ConnectionString is not a PostgreSQL connection string ({ex.Message}): write it as Host=...;Database=...;Username=...;Password=...", ex);
        }

        if (!configured.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !configured.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
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
