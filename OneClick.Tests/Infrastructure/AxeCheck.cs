using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// axe-core (Deque's engine, bundled by Deque.AxeCore.Playwright at 4.14) run on the page a browser
/// test shows, against the WCAG 2.0, 2.1 and 2.2 A and AA rules (decision 033). Every violation is
/// written to the test's output with the page state it was found in; the serious and critical ones
/// come back for the test to fail on.
/// </summary>
public static class AxeCheck
{
    private static readonly AxeRunOptions WcagAa = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    };

    /// <summary>No finite animation or transition is still running (a spinner's endless one does not count).</summary>
    private const string Settled = "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)";

    /// <summary>
    /// The approval and decline pages go on to the shop by themselves (a meta refresh, so that it works
    /// without script): docs/protocol.md rule 11 requires it of the approval page, and merchants' clients
    /// rely on both. axe-core counts any timed refresh against WCAG 2.2.1; decision 033 weighs it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RedirectRequiredByTheProtocol = new Dictionary<string, string>
    {
        ["meta-refresh"] = "docs/protocol.md rule 11 requires the page to go on to the shop by itself (decision 033)",
    };

    /// <summary>
    /// The serious and critical violations on <paramref name="page"/> as it is now, each named with
    /// <paramref name="state"/>, but for the rules <paramref name="excused"/> names with the reason the
    /// page must break them (reported as such, not counted).
    /// </summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string state, Action<string> report, IReadOnlyDictionary<string, string>? excused = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(report);
        // Colours are read once the page has stopped moving: a theme taken over when the circuit starts
        // (dark, from the browser's setting) fades in, and a colour caught mid-fade fails contrast.
        try
        {
            await page.WaitForFunctionAsync(Settled, null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            report($"axe {state}: still animating after 5 s, checked as it is");
        }

        var result = await page.RunAxe(WcagAa);
        var violations = result.Violations ?? [];
        report($"axe {state}: {violations.Length} violations, {result.Passes?.Length ?? 0} rules passed, {result.Incomplete?.Length ?? 0} to review");
        var serious = new List<string>();
        foreach (var violation in violations)
        {
            var line = $"{state}: {violation.Impact} {violation.Id} ({violation.Help}) at {string.Join("; ", violation.Nodes.Take(3).Select(n => n.Target?.ToString()))}";
            if (excused?.GetValueOrDefault(violation.Id) is { } why)
            {
                report($"  {line}: excused, {why}");
                continue;
            }

            report("  " + line);
            if (violation.Impact is "serious" or "critical")
            {
                serious.Add(line);
            }
        }

        return serious;
    }
}
