using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A real gateway with its own SQLite files in a fresh folder, the test shop seeded, and every log
/// line captured. <see cref="StartOnKestrel"/> makes it listen on a loopback port for browsers.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public const int ShopId = 64233;
    public const string SignatureKey = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";
    public const string MerchantHost = "merchant.test";
    public const string SuccessUrl = "http://merchant.test/success";
    public const string WebsiteUrl = "http://merchant.test/";

    private readonly Dictionary<string, string?> settings = [];

    public GatewayFactory()
        : this(null)
    {
    }

    private GatewayFactory(string? dataDirectory)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "oneclick-tests", Guid.NewGuid().ToString("N"));
        Set("OneClick:DataDirectory", DataDirectory);
        Set("OneClick:Seed:Enabled", "true");
        Set("OneClick:Seed:ShopId", ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("OneClick:Seed:SignatureKey", SignatureKey);
        Set("OneClick:Seed:WebsiteUrl", WebsiteUrl);
        Set("OneClick:Seed:SuccessUrl", SuccessUrl);
        Set("OneClick:Seed:AllowedRedirectHosts:0", MerchantHost);
        Set("OneClick:Seed:AllowedRedirectHosts:1", "127.0.0.1");
        Set("OneClick:RateLimits:StartOrderPerMinute", "100000");
        Set("OneClick:RateLimits:PaymentPerMinute", "100000");
        Set("OneClick:RateLimits:StartOrderPerShopPerMinute", "100000");
        Set("OneClick:RateLimits:ApiPerMinute", "100000");
        Set("OneClick:RateLimits:ApiPerShopPerMinute", "100000");
        Set("OneClick:RateLimits:UnknownTokensPerHour", "100000");
        Set("OneClick:RateLimits:SignInPerMinute", "100000");
        // The proxy in front of the test gateway: TestServer gives no remote address (the framework then
        // believes the first forwarder), Kestrel the loopback one. CreatePlainClient(forwardedFor) relies on it.
        Set("OneClick:ForwardedHeaders:KnownProxies:0", "127.0.0.1");
        Set("OneClick:ForwardedHeaders:KnownProxies:1", "::1");
        // Test hosts speak plain HTTP, where a client keeps no Secure cookie; a test of the attribute turns it back on.
        Set("OneClick:SecureCookies", "false");
        // Recurring jobs: the sweep every second, the others when a test runs them (ScheduledJobs); a failed run is tried once more, a second later.
        Set("OneClick:Jobs:PollingInterval", "00:00:01");
        Set("OneClick:Jobs:RetryDelays:0", "00:00:01");
        Set("OneClick:Jobs:Schedules:outbox-sweep", "* * * * * *");
        foreach (var job in ScheduledJobs.HeldJobs)
        {
            Set($"OneClick:Jobs:Schedules:{job}", ScheduledJobs.Never);
        }

        if (TestDatabase.IsPostgreSql)
        {
            // A database of its own, named after the folder, so that a gateway restarted on the folder finds it.
            DatabaseName = TestDatabase.NameFor(DataDirectory);
            Set("OneClick:Database:Provider", "PostgreSql");
            Set("OneClick:Database:ConnectionString", TestDatabase.ConnectionStringFor(DatabaseName));
            Set("OneClick:MasterKey", TestDatabase.SharedMasterKey);
        }
    }

    /// <summary>The gateway's PostgreSQL database when the suite runs on PostgreSQL (<see cref="TestDatabase"/>), else null.</summary>
    public string? DatabaseName { get; }

    public string DataDirectory { get; }

    /// <summary>A gateway that starts on an existing data folder, as after a restart.</summary>
    public static GatewayFactory RestartedOn(string dataDirectory) => new(dataDirectory);

    /// <summary>Leave the data folder when disposed, so that another gateway can start on it.</summary>
    public bool KeepDataDirectory { get; set; }

    public CapturedLogs Logs { get; } = new();

    public TestClock Clock { get; } = new();

    private readonly List<Action<IServiceCollection>> serviceOverrides = [];

    // The whole-suite card-data and headers sweep: this gateway's name in it, once started.
    private string? sweepLabel;

    /// <summary>Replaces services before the gateway starts (e.g. an acquirer that fails).</summary>
    public GatewayFactory WithServices(Action<IServiceCollection> configure)
    {
        serviceOverrides.Add(configure);
        return this;
    }

    /// <summary>Adds a URL's origin (a test merchant site on a random port) to the seeded shop's allowed redirect targets.</summary>
    public GatewayFactory AllowRedirectsTo(string url)
    {
        var next = settings.Keys.Count(k => k.StartsWith("OneClick:Seed:AllowedRedirectHosts:", StringComparison.Ordinal));
        return Set($"OneClick:Seed:AllowedRedirectHosts:{next}", OneClick.Core.Shops.Shop.RedirectEntryFor(new Uri(url)));
    }

    /// <summary>A gateway that names no proxy, as configured by default: no forwarded header counts.</summary>
    public GatewayFactory WithoutKnownProxies()
    {
        foreach (var key in settings.Keys.Where(k => k.StartsWith("OneClick:ForwardedHeaders:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        return this;
    }

    /// <summary>Changes a setting before the gateway starts.</summary>
    public GatewayFactory Set(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>Takes a setting away before the gateway starts, so that the product's default holds.</summary>
    public GatewayFactory Unset(string key)
    {
        settings.Remove(key);
        return this;
    }

    /// <summary>Waits for a condition that background work (the outbox) makes true.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > (within ?? TimeSpan.FromSeconds(15)))
            {
                throw new TimeoutException($"Still not true after {deadline.Elapsed.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Moves the clock on and has the outbox look for due postbacks (the recurring sweep also looks for e-mails and refunds).</summary>
    public void AdvanceAndSweep(TimeSpan by)
    {
        Clock.Advance(by);
        Services.GetRequiredService<OneClick.Web.Persistence.OutboxSignal>().Wake();
    }

    /// <summary>Adds a second shop of another merchant, with its own key and postback URL.</summary>
    public async Task<int> AddShopAsync(int shopId, string key, string? postbackUrl)
    {
        await WithDbAsync(async db =>
        {
            var merchant = new OneClick.Core.Shops.Merchant("Other Merchant", DateTime.UtcNow);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            var shop = new OneClick.Core.Shops.Shop(shopId, merchant.Id, "Other Shop", new Uri("http://other.test/"), DateTime.UtcNow);
            shop.AddSignatureKey(key, DateTime.UtcNow);
            shop.SetUrls(new Uri("http://other.test/ok"), null, postbackUrl is null ? null : new Uri(postbackUrl));
            db.Shops.Add(shop);
            return await db.SaveChangesAsync();
        });
        return shopId;
    }

    /// <summary>Listens on a loopback port (for Playwright); returns the gateway's base address.</summary>
    /// <param name="alsoOnPort">A second loopback port to listen on (an operator's port, such as the metrics one).</param>
    public Uri StartOnKestrel(int? alsoOnPort = null)
    {
        // Not UseKestrel(0): that clears the server's address list after the app has begun to start,
        // and throws when Kestrel binds first (dotnet/aspnetcore#67714). A listen option adds no such race.
        UseKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            if (alsoOnPort is { } port)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, port);
            }
        });
        StartServer();
        if (alsoOnPort is { } other)
        {
            // The factory's clients go to the first address the server lists, which may be the other port.
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            ClientOptions.BaseAddress = addresses.Select(a => new Uri(a)).First(a => a.Port != other);
        }

        return ClientOptions.BaseAddress;
    }

    public HttpClient CreatePlainClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client at another address: the gateway trusts X-Forwarded-For from the test's proxy (rate limits count by address).</summary>
    public HttpClient CreatePlainClient(string forwardedFor)
    {
        var client = CreatePlainClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<OneClickDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<OneClickDbContext>());
    }

    /// <summary>Runs <paramref name="write"/> in a write turn of its own (<see cref="WriteGate"/>), on a fresh scope's context, and keeps it.</summary>
    public async Task InWriteTurnAsync(Func<OneClickDbContext, Task> write)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        await using var turn = await Services.GetRequiredService<WriteGate>().BeginAsync(db, CancellationToken.None);
        await write(db);
        await turn.CommitAsync(CancellationToken.None);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (DatabaseName is { } database && settings.GetValueOrDefault("OneClick:Database:Provider") == "PostgreSql")
        {
            // Copied from the migrated template before the gateway starts (it would migrate an empty one, slowly).
            Task.Run(() => TestDatabase.CreateAsync(database)).GetAwaiter().GetResult();
        }

        builder.UseEnvironment("Testing");
        // Serve wwwroot and the npm assets from the build, as development does.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
        builder.ConfigureServices(services =>
        {
            if (CardDataSweep.Enabled)
            {
                sweepLabel ??= CardDataSweep.HostStarted("gateway");
                services.AddSingleton<IStartupFilter>(new ResponseRecording(sweepLabel));
            }

            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            foreach (var configure in serviceOverrides)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (disposing && Interlocked.Exchange(ref sweepLabel, null) is { } label)
        {
            // Scanned before the folder goes: kept or not, what it holds now is what an attacker would copy.
            CardDataSweep.Logs(label, Logs.Lines);
            CardDataSweep.DataDirectory(label, DataDirectory);
            if (DatabaseName is { } swept)
            {
                CardDataSweep.PostgreSqlDatabase(label, swept);
            }

            CardDataSweep.HostStopped(label);
        }

        if (KeepDataDirectory)
        {
            return;
        }

        if (DatabaseName is { } database)
        {
            Task.Run(() => TestDatabase.DropAsync(database)).GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a test may still hold a file it is scanning.
        }
    }
}
