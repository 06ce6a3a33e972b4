using Microsoft.Playwright;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (it cannot download its own browser here), shared by the
/// tests of a class. Each test takes a fresh context: its own cookies, like a new browser profile.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>
    /// The README's test command sets up a fresh machine too: where Chromium is missing and apt can
    /// install it (root on Debian), it does; elsewhere it says what to install.
    /// </summary>
    private static async Task EnsureChromiumAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(ChromiumPath))
            {
                return;
            }

            if (!File.Exists("/usr/bin/apt-get") || Environment.UserName != "root")
            {
                throw new InvalidOperationException($"Browser tests need Debian's Chromium at {ChromiumPath}: run 'sudo apt-get install chromium' once.");
            }

            await RunAsync("apt-get", "update");
            await RunAsync("apt-get", "install -y --no-install-recommends chromium");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task RunAsync(string command, string arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command, arguments) { UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = System.Diagnostics.Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {arguments}' failed with exit code {process.ExitCode}; install Chromium by hand.");
        }
    }

    /// <summary>
    /// A page in a fresh browser context at <paramref name="baseAddress"/>, whose console errors and
    /// uncaught exceptions are given to <paramref name="error"/> (a page that works says nothing), except
    /// the console messages <paramref name="expected"/> names. Its policy violations are kept for
    /// <see cref="PolicyViolationsAsync"/> too.
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, Action<string> error, Func<string, bool>? expected = null, ViewportSize? viewport = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(error);
        var context = await Browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = viewport });
        await context.AddInitScriptAsync(RecordPolicyViolations);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && expected?.Invoke(message.Text) != true)
            {
                error($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, uncaught) => error($"{page.Url}: {uncaught}");
        return page;
    }

    /// <summary>
    /// Every Content-Security-Policy violation the page's documents reported, whatever the console said.
    /// The list lives in the tab's session storage: a window's own array goes with each navigation.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PolicyViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return await page.EvaluateAsync<string[]>("() => JSON.parse(sessionStorage.getItem('policyViolations') ?? '[]')");
    }

    /// <summary>
    /// Runs <paramref name="check"/> on a page that goes on by itself (a meta refresh) to an address
    /// starting with <paramref name="prefix"/>: the way there waits until the check is done, so that it
    /// runs on the page and not on where it leads.
    /// </summary>
    public static async Task HoldingTheWayToAsync(IPage page, string prefix, Func<Task> check)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(check);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var there = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(prefix));
        await page.RouteAsync(there, async route =>
        {
            await done.Task;
            await route.ContinueAsync();
        });
        try
        {
            await check();
        }
        finally
        {
            done.TrySetResult();
            await page.UnrouteAsync(there);
        }
    }

    private const string RecordPolicyViolations = """
        document.addEventListener('securitypolicyviolation', e => {
            const all = JSON.parse(sessionStorage.getItem('policyViolations') ?? '[]');
            all.push(`${document.location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`);
            sessionStorage.setItem('policyViolations', JSON.stringify(all));
        });
        """;

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
