using System.Diagnostics;
using System.Globalization;

namespace OneClick.Benchmarks;

/// <summary>
/// The gateway as its own process: the OneClick.Web.dll built next to this program (same
/// configuration, Release under <c>dotnet run -c Release</c>), on a fresh data folder, in Production.
/// </summary>
public sealed class GatewayUnderTest : ServerUnderTest
{
    private readonly string? postgreSql;
    private readonly BenchDatabase? database;

    private GatewayUnderTest(IReadOnlyList<ServerProcess> processes, IReadOnlyList<Uri> baseAddresses, string dataDirectory, string? postgreSql, BenchDatabase? database)
        : base(processes, baseAddresses, dataDirectory)
    {
        this.postgreSql = postgreSql;
        this.database = database;
    }

    public override string Name => postgreSql is null ? "gateway" : Nodes == 1 ? "gateway on PostgreSQL" : $"gateway on PostgreSQL, {Nodes} nodes";

    /// <summary>The database and the nodes, as the summary table names the run.</summary>
    public override string Setup => SetupOf(postgreSql is not null, Nodes, StickyBuyers) + Telemetry switch
    {
        null => "",
        { Traces: true } => ", metrics + traces",
        _ => ", metrics",
    };

    /// <summary>The run's telemetry (<c>--telemetry</c>): metrics scraped, and traces exported too; null when off.</summary>
    public TelemetryCollector? Telemetry { get; private init; }

    /// <summary>How the report names a run: its database, its nodes and, for several, how the buyers are spread.</summary>
    public static string SetupOf(bool postgreSql, int nodes, bool stickyBuyers) =>
        !postgreSql ? "SQLite, 1 node" : nodes == 1 ? "PostgreSQL, 1 node" : $"PostgreSQL, {nodes} nodes, {(stickyBuyers ? "sticky" : "round robin")}";

    public override TimeSpan? DatabaseCpuTime => database is null ? null : BenchDatabase.ServerCpuTime();

    /// <summary>The PostgreSQL server's durability settings, or null on SQLite.</summary>
    public override string? DatabaseDurability => database?.Durability;

    /// <summary>The gateway's dll, next to this program; the floor runs with its runtime settings too.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "OneClick.Web.dll");

    public override string RuntimeConfigFile => Path.ChangeExtension(Dll, ".runtimeconfig.json");

    /// <summary>Counted in the gateway's database: its SQLite file, or the PostgreSQL database it was given.</summary>
    public override async Task<long> ApprovedSalesAsync(CancellationToken cancellationToken)
    {
        if (postgreSql is null)
        {
            return await CountAsync(Path.Combine(DataDirectory, "oneclick.db"), "SELECT COUNT(*) FROM Sales WHERE Result = 'Approved'", cancellationToken);
        }

        await using var connection = new Npgsql.NpgsqlConnection(postgreSql);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM \"Sales\" WHERE \"Result\" = 'Approved'", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The gateway on SQLite in its data folder, or with <paramref name="database"/> as <paramref name="nodes"/>
    /// nodes on that one PostgreSQL database, sharing a master key made for the run (README "Several nodes").
    /// The database is dropped with the gateway. With <paramref name="telemetry"/> its metrics and traces
    /// are on: exported there, and <c>/metrics</c> served on the collector's metrics port too.
    /// </summary>
    public static async Task<GatewayUnderTest> StartAsync(
        Uri merchant, IReadOnlyDictionary<string, string> extraSettings, CancellationToken cancellationToken, BenchDatabase? database = null, int nodes = 1, bool stickyBuyers = false,
        TelemetryCollector? telemetry = null)
    {
        if (telemetry is not null && nodes > 1)
        {
            throw new ArgumentException("Telemetry is measured on one node: the metrics port is one.", nameof(telemetry));
        }

        if (nodes > 1 && database is null)
        {
            throw new ArgumentException("Several nodes are one gateway only on one PostgreSQL database.", nameof(nodes));
        }

        RequireBuilt(Dll, Path.ChangeExtension(Dll, ".runtimeconfig.json"), Path.ChangeExtension(Dll, ".deps.json"));
        var dataDirectory = NewDataDirectory("oneclick-bench-");
        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OneClick__Seed__ShopId"] = BenchShop.ShopId.ToString(CultureInfo.InvariantCulture),
            ["OneClick__Seed__SignatureKey"] = BenchShop.SignatureKey,
            ["OneClick__Seed__OneClickEnabled"] = "true",
            ["OneClick__Seed__WebsiteUrl"] = new Uri(merchant, "/").ToString(),
            ["OneClick__Seed__SuccessUrl"] = BenchShop.SuccessUrl(merchant).ToString(),
            ["OneClick__Seed__PostbackUrl"] = BenchShop.PostbackUrl(merchant).ToString(),
            ["OneClick__Seed__AllowedRedirectHosts__0"] = "127.0.0.1",
            ["OneClick__RateLimits__StartOrderPerMinute"] = "100000000",
            ["OneClick__RateLimits__PaymentPerMinute"] = "100000000",
            ["OneClick__RateLimits__StartOrderPerShopPerMinute"] = "100000000",
            ["OneClick__RateLimits__ApiPerMinute"] = "100000000",
            ["OneClick__RateLimits__ApiPerShopPerMinute"] = "100000000",
            ["OneClick__RateLimits__UnknownTokensPerHour"] = "100000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (database is not null)
        {
            shared["OneClick__Database__Provider"] = "PostgreSql";
            shared["OneClick__Database__ConnectionString"] = database.ConnectionString;
            shared["OneClick__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }

        foreach (var (key, value) in telemetry?.GatewaySettings ?? new Dictionary<string, string>())
        {
            shared[key] = value;
        }

        foreach (var (key, value) in extraSettings)
        {
            shared[key] = value;
        }

        var processes = new List<ServerProcess>();
        var addresses = new List<Uri>();
        for (var node = 1; node <= nodes; node++)
        {
            var address = LoopbackAddress(FreePort());
            var environment = new Dictionary<string, string>(shared)
            {
                ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/') + (telemetry is null ? "" : $";{LoopbackAddress(telemetry.MetricsPort).ToString().TrimEnd('/')}"),
                ["OneClick__DataDirectory"] = nodes == 1 ? dataDirectory : Directory.CreateDirectory(Path.Combine(dataDirectory, $"node{node}")).FullName,
            };
            var process = Process.Start(DotnetExec([Dll], environment)) ?? throw new InvalidOperationException("dotnet could not be started.");
            processes.Add(new ServerProcess(process));
            addresses.Add(address);
        }

        var postgreSql = shared.TryGetValue("OneClick__Database__Provider", out var provider) && string.Equals(provider, "PostgreSql", StringComparison.OrdinalIgnoreCase)
            ? shared.GetValueOrDefault("OneClick__Database__ConnectionString")
            : null;
        var gateway = new GatewayUnderTest(processes, addresses, dataDirectory, postgreSql, database) { StickyBuyers = stickyBuyers, Telemetry = telemetry };
        await gateway.WaitUntilReadyAsync("/health/ready", cancellationToken);
        return gateway;
    }

    protected override async ValueTask DisposeMoreAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
