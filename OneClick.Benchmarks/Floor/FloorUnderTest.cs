using System.Diagnostics;
using System.Globalization;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor (<see cref="FloorServer"/>) as its own process on a fresh data folder: this program's
/// own dll with the hidden first argument, run with the gateway's runtime settings (its
/// <c>.runtimeconfig.json</c>: server GC and the rest), so that the two differ only in their code.
/// </summary>
public sealed class FloorUnderTest : ServerUnderTest
{
    private FloorUnderTest(Process process, Uri baseAddress, string dataDirectory)
        : base(process, baseAddress, dataDirectory)
    {
    }

    public override string Name => "floor";

    public override string RuntimeConfigFile => Path.ChangeExtension(GatewayUnderTest.Dll, ".runtimeconfig.json");

    public override Task<long> ApprovedSalesAsync(CancellationToken cancellationToken) =>
        CountAsync(Path.Combine(DataDirectory, FloorDatabase.FileName), "SELECT COUNT(*) FROM sales WHERE result = 'Approved'", cancellationToken);

    public static async Task<FloorUnderTest> StartAsync(Uri merchant, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OneClick.Benchmarks.dll");
        var runtimeConfig = Path.ChangeExtension(GatewayUnderTest.Dll, ".runtimeconfig.json");
        RequireBuilt(dll, runtimeConfig);
        var port = FreePort();
        var dataDirectory = NewDataDirectory("oneclick-floor-");
        var arguments = new[]
        {
            "--runtimeconfig", runtimeConfig, dll, FloorServer.Argument,
            "--port", port.ToString(CultureInfo.InvariantCulture), "--merchant", merchant.ToString(), "--data", dataDirectory,
        };
        var process = Process.Start(DotnetExec(arguments, new Dictionary<string, string>())) ?? throw new InvalidOperationException("dotnet could not be started.");
        var floor = new FloorUnderTest(process, LoopbackAddress(port), dataDirectory);
        await floor.WaitUntilReadyAsync("/health", cancellationToken);
        return floor;
    }
}
