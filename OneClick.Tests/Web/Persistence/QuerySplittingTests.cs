using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>
/// A query that loads two collections (every shop query: keys and limits) must say single or split
/// query. The gateway's DbContext throws where one does not, except in production.
/// </summary>
public sealed class QuerySplittingTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "oneclick-splitting-" + Guid.NewGuid().ToString("N"));
    private readonly CapturedLogs logs = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public async Task Shops_loaded_without_saying_single_or_split_query_throw_outside_production(string environment)
    {
        await using var services = await MigratedAsync(environment);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();

        var failure = await Should.ThrowAsync<InvalidOperationException>(() => db.Shops.AsNoTracking().ToListAsync());

        failure.Message.ShouldContain(nameof(RelationalEventId.MultipleCollectionIncludeWarning));
        (await db.Shops.AsNoTracking().AsSingleQuery().ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Shops_loaded_without_saying_single_or_split_query_run_in_production_with_a_warning()
    {
        await using var services = await MigratedAsync("Production");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();

        (await db.Shops.AsNoTracking().ToListAsync()).ShouldBeEmpty();

        logs.Lines.ShouldContain(line => line.StartsWith("Warning Microsoft.EntityFrameworkCore.Query", StringComparison.Ordinal) && line.Contains("QuerySplittingBehavior", StringComparison.Ordinal));
    }

    private async Task<ServiceProvider> MigratedAsync(string environment)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddPersistence(new DataDirectory(folder), new HostingEnvironment { EnvironmentName = environment })
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        return services;
    }
}
