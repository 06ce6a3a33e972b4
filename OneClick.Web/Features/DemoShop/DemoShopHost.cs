using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.DemoShop;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.DemoShop;

/// <summary>
/// Runs the demo merchant shop next to the gateway (on in development, off in production), as the
/// seeded shop: it gets the gateway's address, the shop's id and key, and a data folder, and
/// talks to the gateway only over HTTP, like any merchant.
/// </summary>
internal sealed class DemoShopHost(
    IOptions<OneClickOptions> options,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    IServer server,
    IServiceScopeFactory scopes,
    DataDirectory dataDirectory,
    RunningDemoShop running,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ILogger logger = loggers.CreateLogger("OneClick");
    private Task? starting;
    private DemoShopServer? shop;
    private Lazy<Task>? stopTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DemoShop.IsEnabledIn(environment))
        {
            // The shop needs the gateway's own address, which is known once the server listens.
            lifetime.ApplicationStarted.Register(() => Volatile.Write(ref starting, StartShopAsync(stopping.Token)));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops once, however many callers: a test host stops the host twice at once (its own stop and the
    /// program's, which then disposes this service), and every caller waits for the one stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        var stop = new Lazy<Task>(StopOnceAsync);
        return (Interlocked.CompareExchange(ref stopTask, stop, null) ?? stop).Value;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        stopping.Dispose();
    }

    private async Task StopOnceAsync()
    {
        await stopping.CancelAsync();
        if (Volatile.Read(ref starting) is { } started)
        {
            await started;
        }

        running.Stopped();
        if (Interlocked.Exchange(ref shop, null) is { } runningShop)
        {
            await runningShop.DisposeAsync();
        }
    }

    private async Task StartShopAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.DemoShop.BaseUrl;
        try
        {
            if (GatewayAddress() is not { } gatewayUrl)
            {
                logger.LogWarning("Demo shop not started: the gateway listens on no address a browser can reach.");
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
            var shopId = options.Value.Seed.ShopId;
            var seeded = await db.Shops.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken);
            if (seeded is null)
            {
                logger.LogWarning("Demo shop not started: the seeded shop {ShopId} does not exist.", shopId);
                return;
            }

            shop = await DemoShopServer.StartAsync(new DemoShopSettings
            {
                Url = url,
                GatewayUrl = gatewayUrl,
                ShopId = seeded.Id,
                SignatureKey = seeded.SigningKey,
                DataDirectory = dataDirectory.Path,
            }, loggers, cancellationToken);
            running.Started(shop.Url);
            logger.LogInformation("Demo shop: {DemoShopUrl}", shop.Url);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway stopped while the shop was starting.
        }
        catch (Exception ex)
        {
            // A taken port must not take the gateway down with it: the demo is an extra.
            logger.LogError(ex, "Demo shop could not start on {DemoShopUrl}; the gateway runs without it.", url);
        }
    }

    /// <summary>Where a browser reaches the gateway: its first http address, with a wildcard host read as localhost.</summary>
    private string? GatewayAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var bound = addresses.Select(BindingAddress.Parse).ToList();
        var chosen = bound.FirstOrDefault(a => a.Scheme == "http") ?? bound.FirstOrDefault();
        if (chosen is null)
        {
            return null;
        }

        var host = chosen.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "localhost" : chosen.Host;
        return $"{chosen.Scheme}://{host}:{chosen.Port}{chosen.PathBase}";
    }
}
