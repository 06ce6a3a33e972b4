using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OneClick.DemoShop;

/// <summary>
/// The demo merchant shop: its own web server on its own origin, which sells credits through a
/// OneClick gateway using only the merchant protocol. The gateway starts one in development; tests
/// start one alone.
/// </summary>
public sealed class DemoShopServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly PurchaseStore store;
    private readonly HttpClient gateway;
    private int stopped;

    private DemoShopServer(WebApplication app, PurchaseStore store, HttpClient gateway, string url)
    {
        this.app = app;
        this.store = store;
        this.gateway = gateway;
        Url = url;
    }

    /// <summary>Where the shop listens, without a trailing slash.</summary>
    public string Url { get; }

    public static async Task<DemoShopServer> StartAsync(DemoShopSettings settings, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.SignatureKey);
        var url = settings.Url.TrimEnd('/');
        var store = await PurchaseStore.OpenAsync(settings.DataDirectory, cancellationToken);

        // Content root in the shop's data folder: it reads no settings file of the process it runs in.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DemoShopServer).Assembly.GetName().Name,
            ContentRootPath = settings.DataDirectory,
        });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new QuietLifetimeLoggers(loggers));
        // The process it runs in owns Ctrl+C and shutdown; the shop stops when told to.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        var app = builder.Build();

        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ShopPage.ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(context);
        });
        var logger = loggers.CreateLogger("OneClick.DemoShop");
        // Short timeout: the decline page waits for the status page, and a buyer should not.
        var gateway = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(5) };
        var status = new SaleStatusClient(gateway, settings.GatewayUrl.TrimEnd('/'), settings.ShopId.ToString(CultureInfo.InvariantCulture), settings.SignatureKey, logger);
        new ShopEndpoints(settings, url, store, status, logger).Map(app);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            gateway.Dispose();
            store.Dispose();
            throw;
        }

        return new DemoShopServer(app, store, gateway, url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 0)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        gateway.Dispose();
        store.Dispose();
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// The host process's loggers, without the shop's own "Now listening on" lines, which would read
    /// as the host's; the host logs where the shop is. Never disposes the host's factory.
    /// </summary>
    private sealed class QuietLifetimeLoggers(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == "Microsoft.Hosting.Lifetime" ? NullLogger.Instance : inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
        }
    }
}
