using System.Diagnostics;
using System.Net;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// The gateway as a real operating-system process (the built OneClick.Web.dll), so that a test can
/// kill it without warning, as a crash or a power cut would, and start it again on the same data.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly string dataDirectory;
    private Process? process;

    // What the process printed (its log at Warning and above) and its name in the card-data sweep.
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> output = new();
    private string? sweepLabel;

    public GatewayProcess(string dataDirectory, IDictionary<string, string> settings)
    {
        Port = LoopbackPort.Free();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        this.dataDirectory = dataDirectory;
        environment = new Dictionary<string, string>(settings)
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OneClick__DataDirectory"] = dataDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (TestDatabase.IsPostgreSql)
        {
            environment["OneClick__Database__Provider"] = "PostgreSql";
            environment["OneClick__Database__ConnectionString"] = TestDatabase.ConnectionStringFor(TestDatabase.NameFor(dataDirectory));
            environment["OneClick__MasterKey"] = TestDatabase.SharedMasterKey;
        }
    }

    public int Port { get; }

    /// <summary>The seeded shop paying to <paramref name="merchant"/>, with limits no test run reaches and a sweep every second.</summary>
    public static Dictionary<string, string> SettingsFor(MerchantSite merchant, bool oneClick = false) => new()
    {
        ["OneClick__Seed__ShopId"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OneClick__Seed__SignatureKey"] = GatewayFactory.SignatureKey,
        ["OneClick__Seed__OneClickEnabled"] = oneClick ? "true" : "false",
        ["OneClick__Seed__WebsiteUrl"] = merchant.BaseUrl + "/",
        ["OneClick__Seed__PostbackUrl"] = merchant.PostbackUrl,
        ["OneClick__Seed__AllowedRedirectHosts__0"] = new Uri(merchant.BaseUrl).Authority,
        ["OneClick__RateLimits__StartOrderPerMinute"] = "100000",
        ["OneClick__RateLimits__PaymentPerMinute"] = "100000",
        ["OneClick__RateLimits__StartOrderPerShopPerMinute"] = "100000",
        // The recurring outbox sweep every second (a retry comes due as the test moves on), found within a second.
        ["OneClick__Jobs__Schedules__outbox-sweep"] = "* * * * * *",
        ["OneClick__Jobs__PollingInterval"] = "00:00:01",
        // A killed process's claims on its postbacks lapse 15 s after they were taken (the 10 s timeout
        // and 5 s), not 70 s: the restarted process takes them over within the tests' wait (decision 029).
        ["OneClick__Postbacks__ClaimMargin"] = "00:00:05",
        // Plain HTTP, as every test host: a client keeps no Secure cookie there (antiforgery's included).
        ["OneClick__SecureCookies"] = "false",
    };

    public Uri BaseAddress { get; }

    public async Task StartAsync()
    {
        if (TestDatabase.IsPostgreSql)
        {
            // Copied from the migrated template, unless it is there already (a restart on the same folder).
            await TestDatabase.CreateAsync(TestDatabase.NameFor(dataDirectory));
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "OneClick.Web.dll");
        var start = new ProcessStartInfo("dotnet", $"exec \"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start)!;
        if (CardDataSweep.Enabled)
        {
            sweepLabel ??= CardDataSweep.HostStarted("gateway process");
        }

        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The gateway process exited with code {process.ExitCode} while starting:\n{string.Join('\n', output.TakeLast(30))}");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The gateway process did not become ready within 60 s.");
    }

    /// <summary>The process's resident memory now (Linux: VmRSS of /proc/{pid}/status), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process!.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Ends the process at once: no shutdown, no flushing, as in a crash.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>A client of the process whose every response goes to the card-data and headers sweep.</summary>
    public HttpClient CreateClient(HttpClientHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        // Production, as the process runs: Secure cookies unless the settings turn them off.
        var secureCookies = !(environment.TryGetValue("OneClick__SecureCookies", out var setting) && bool.TryParse(setting, out var secure) && !secure);
        HttpMessageHandler chain = sweepLabel is { } label ? new RecordingHandler(label, secureCookies, handler) : handler;
        return new HttpClient(chain) { BaseAddress = BaseAddress };
    }

    public void Dispose()
    {
        Kill();
        process?.Dispose();
        if (Interlocked.Exchange(ref sweepLabel, null) is { } label)
        {
            CardDataSweep.Logs(label, output);
            CardDataSweep.DataDirectory(label, dataDirectory);
            if (TestDatabase.IsPostgreSql)
            {
                CardDataSweep.PostgreSqlDatabase(label, TestDatabase.NameFor(dataDirectory));
            }

            CardDataSweep.HostStopped(label);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        // The sweep reads every line; without it, the last ones are kept to say why a start failed.
        output.Enqueue(line);
        while (!CardDataSweep.Enabled && output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }
}
