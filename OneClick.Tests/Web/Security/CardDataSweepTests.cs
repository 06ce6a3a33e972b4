using OneClick.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("OneClick.Tests.Web.Security.AfterAllOtherTestsLast", "OneClick.Tests")]

namespace OneClick.Tests.Web.Security;

/// <summary>
/// Tests that run after every other test of the assembly. xUnit 2 (XunitTestAssemblyRunner in
/// xunit.execution 2.9) first runs the parallel collections together and waits for all of them,
/// then runs each collection defined with <c>DisableParallelization</c> alone;
/// <see cref="AfterAllOtherTestsLast"/> puts this one last among those.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AfterAllOtherTests
{
    public const string Name = "After all other tests";
}

/// <summary>xUnit's own order of collections, with <see cref="AfterAllOtherTests"/> moved to the end.</summary>
public sealed class AfterAllOtherTestsLast : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer defaults = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        defaults.OrderTestCollections(testCollections).OrderBy(c => c.DisplayName == AfterAllOtherTests.Name);
}

/// <summary>
/// The whole-suite sweep (<see cref="CardDataSweep"/>): after all other tests, nothing any gateway
/// served, logged or stored holds a full card number or a CVC; every response carried the security
/// headers; every cookie was HttpOnly, SameSite and, where the gateway runs as in production, Secure.
/// On a filtered run that started few gateways the volume checks are skipped (and it says so).
/// </summary>
[Collection(AfterAllOtherTests.Name)]
public sealed class CardDataSweepTests(ITestOutputHelper output)
{
    // The whole suite starts several hundred gateways; a filtered run far fewer.
    private const int WholeSuiteGateways = 150;

    [Fact]
    public void Whole_suite_left_no_pan_and_no_cvc_in_responses_logs_databases_or_outbox()
    {
        if (!Report(out var figures))
        {
            return;
        }

        CardDataSweep.LiveHostLabels.ShouldBeEmpty(
            "these hosts were not disposed when the sweep ran, so their data folders and logs were never scanned");
        CardDataSweep.Findings.ShouldBeEmpty(
            $"{figures.Findings} finding(s) of card data (masked; the first {CardDataSweep.Findings.Count}):\n{string.Join('\n', CardDataSweep.Findings)}");
        if (WholeSuite(figures))
        {
            // Low bars: the checkout, wallet, postback and demo-shop tests alone (108 gateways) saw more.
            figures.Responses.ShouldBeGreaterThan(2_000, "the recording middleware saw the suite's responses");
            figures.HtmlResponses.ShouldBeGreaterThan(1_000);
            figures.ResponseBytes.ShouldBeGreaterThan(5L << 20);
            figures.GatewayProcesses.ShouldBeGreaterThan(0, "the crash test's gateway process was swept too");
            figures.Databases.ShouldBeGreaterThan(figures.Gateways / 2);
            figures.DatabasesWithSavedCards.ShouldBeGreaterThan(10, "remembered cards were in the databases scanned");
            figures.LogLines.ShouldBeGreaterThan(1_000);
            // On SQLite each database is a file (and its WAL) of a data folder; on PostgreSQL the folders keep only the mail outbox and the like.
            figures.Files.ShouldBeGreaterThan(TestDatabase.IsPostgreSql ? 0 : figures.Databases);
        }
    }

    [Fact]
    public void Whole_suite_responses_all_carry_csp_with_frame_ancestors_nosniff_and_referrer_policy()
    {
        if (!Report(out var figures))
        {
            return;
        }

        CardDataSweep.HeaderProblems.ShouldBeEmpty(
            $"{figures.HeaderProblems} response(s) without the security headers (the first {CardDataSweep.HeaderProblems.Count}):\n{string.Join('\n', CardDataSweep.HeaderProblems)}");
        if (WholeSuite(figures))
        {
            // Errors too: the suite provokes not-found, bad requests, rate limits and failures on our side.
            foreach (var status in new[] { 200, 302, 303, 400, 404, 429 })
            {
                figures.Statuses.GetValueOrDefault(status).ShouldBeGreaterThan(0, $"responses with status {status} were checked");
            }
        }
    }

    [Fact]
    public void Whole_suite_cookies_are_all_httponly_samesite_and_secure_where_required()
    {
        if (!Report(out var figures))
        {
            return;
        }

        CardDataSweep.CookieProblems.ShouldBeEmpty(
            $"{figures.CookieProblems} Set-Cookie header(s) without an attribute they need (the first {CardDataSweep.CookieProblems.Count}):\n{string.Join('\n', CardDataSweep.CookieProblems)}");
        if (WholeSuite(figures))
        {
            figures.Cookies.ShouldBeGreaterThan(300);
            figures.CookieNames.ShouldContain("oneclick_browser");
            figures.CookieNames.ShouldContain("oneclick_staff");
            figures.CookieNames.ShouldContain(name => name.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        }
    }

    private bool Report(out CardDataSweep.Figures figures)
    {
        figures = CardDataSweep.Current;
        var processCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        if (!CardDataSweep.Enabled)
        {
            output.WriteLine($"The sweep is off (ONECLICK_TEST_SWEEP=0): nothing was recorded, nothing to check. The test process used {processCpu.TotalSeconds:0.0} s of CPU.");
            return false;
        }

        output.WriteLine(
            $"Swept: {figures.Gateways} gateways, {figures.GatewayProcesses} gateway processes, {figures.DemoShops} demo shops; " +
            $"{figures.Responses} responses ({figures.HtmlResponses} HTML, {figures.ResponseBytes / 1024.0 / 1024:0.0} MB, {figures.UncapturedBytes} bytes past the capture limit); " +
            $"{figures.Files} files ({figures.FileBytes / 1024.0 / 1024:0.0} MB), {figures.Databases} databases ({figures.DatabasesWithSavedCards} with saved cards, {figures.DatabaseValues} values); " +
            $"{figures.LogLines} log lines ({figures.LogChars / 1024.0 / 1024:0.0} M characters); {figures.Cookies} Set-Cookie headers ({string.Join(", ", figures.CookieNames)}); " +
            $"scanning took {figures.ScanTime} of CPU, of the {processCpu.TotalSeconds:0.0} s the test process used so far.");
        output.WriteLine($"Statuses: {string.Join(", ", figures.Statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        output.WriteLine($"Findings: {figures.Findings}, responses without security headers: {figures.HeaderProblems}, cookies without attributes: {figures.CookieProblems}.");
        return true;
    }

    private bool WholeSuite(CardDataSweep.Figures figures)
    {
        if (figures.Gateways >= WholeSuiteGateways)
        {
            return true;
        }

        output.WriteLine($"Only {figures.Gateways} gateways ran (a filtered run): the checks that the sweep saw the whole suite's volume are skipped.");
        return false;
    }
}
