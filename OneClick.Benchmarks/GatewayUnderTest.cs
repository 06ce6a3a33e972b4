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

    private GatewayUnderTest(Process process, Uri baseAddress, string dataDirectory, string? postgreSql)
        : base(process, baseAddress, dataDirectory)
    {
        this.postgreSql = postgreSql;
    }

    public override string Name => "gateway";

    /// <summary>The gateway's dll, next to this program; the floor runs with its runtime settings too.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "OneClick.Web.dll");

    public override string RuntimeConfigFile => Path.ChangeExtension(Dll, ".runtimeconfig.json");

    /// <summary>Counted in the gateway's database: its SQLite file, or the PostgreSQL database it was given (<c>--set OneClick__Database__Provider=PostgreSql</c>).</summary>
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

    public static async Task<GatewayUnderTest> StartAsync(Uri merchant, IReadOnlyDictionary<string, string> extraSettings, CancellationToken cancellationToken)
    {
        RequireBuilt(Dll, Path.ChangeExtension(Dll, ".runtimeconfig.json"), Path.ChangeExtension(Dll, ".deps.json"));
        var baseAddress = LoopbackAddress(FreePort());
        var dataDirectory = NewDataDirectory("oneclick-bench-");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OneClick__DataDirectory"] = dataDirectory,
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
        foreach (var (key, value) in extraSettings)
        {
            environment[key] = value;
        }

        var process = Process.Start(DotnetExec([Dll], environment)) ?? throw new InvalidOperationException("dotnet could not be started.");
        var postgreSql = environment.TryGetValue("OneClick__Database__Provider", out var provider) && string.Equals(provider, "PostgreSql", StringComparison.OrdinalIgnoreCase)
            ? environment.GetValueOrDefault("OneClick__Database__ConnectionString")
            : null;
        var gateway = new GatewayUnderTest(process, baseAddress, dataDirectory, postgreSql);
        await gateway.WaitUntilReadyAsync("/health/ready", cancellationToken);
        return gateway;
    }
}
