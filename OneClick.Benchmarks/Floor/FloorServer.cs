using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneClick.Core.Cards;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor of issue 19: a bare ASP.NET Core app (an empty builder, Kestrel, minimal API endpoints,
/// Microsoft.Data.Sqlite with prepared statements, no EF Core, no Razor, no middleware but the routing
/// that minimal API endpoints need)
/// that does only the unavoidable work of an instant purchase. The benchmark starts it as its own
/// process, <c>dotnet exec OneClick.Benchmarks.dll floor-server --port P --merchant URL --data DIR</c>
/// (<see cref="FloorUnderTest"/>), and measures it as it measures the gateway.
/// </summary>
internal static class FloorServer
{
    /// <summary>The hidden first argument that makes this program the floor instead of the benchmark.</summary>
    public const string Argument = "floor-server";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            settings[args[i]] = args[i + 1];
        }

        if (!settings.TryGetValue("--port", out var portText) || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !settings.TryGetValue("--merchant", out var merchantText) || !Uri.TryCreate(merchantText, UriKind.Absolute, out var merchant)
            || !settings.TryGetValue("--data", out var dataDirectory))
        {
            await Console.Error.WriteLineAsync($"Usage: OneClick.Benchmarks {Argument} --port P --merchant URL --data DIR");
            return 2;
        }

        Directory.CreateDirectory(dataDirectory);
        var masterKey = MasterKey(dataDirectory);
        var vault = new CardVault(masterKey);
        var pageKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "floor approval page v1"u8.ToArray());
        using var database = new FloorDatabase(dataDirectory, TimeProvider.System);
        var okData = new FloorOkData(merchant, BenchShop.SignatureKey, vault);

        // Warnings and errors only, one line each, as the gateway logs in the benchmark: the report counts them.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        await using var app = builder.Build();
        await using var postbacks = new FloorPostbacks(database, okData, TimeProvider.System, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Floor.Postbacks"));
        var checkout = new FloorCheckout(database, okData, postbacks, vault, pageKey);
        app.MapGet("/startorder", checkout.StartOrderAsync);
        app.MapGet("/order/{key}", checkout.ApprovalPageAsync);
        app.MapGet("/seed", checkout.SeedAsync);
        app.MapGet("/health", context => context.Response.WriteAsync("OK"));
        postbacks.Start();
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// The key tokens and order-page addresses derive from, kept in the data folder so that a
    /// restarted floor still derives the tokens of the sales its outbox has yet to report.
    /// </summary>
    private static byte[] MasterKey(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "floor.key");
        if (File.Exists(file))
        {
            return File.ReadAllBytes(file);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(file, key);
        return key;
    }
}
