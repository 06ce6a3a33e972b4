using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace OneClick.Web.Features.BackOffice.Shell;

/// <summary>
/// A list page's view (its filters, order and page) kept in the address bar, so that it can be
/// bookmarked and shared, and a bookmark opens the same view: read from the address when the page
/// opens, written back after each load without a navigation.
/// </summary>
public static class ListAddress
{
    /// <summary>The address's values for these names (null for one it does not carry).</summary>
    public static Dictionary<string, string?> Read(NavigationManager navigation, IEnumerable<string> names)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query);
        return names.ToDictionary(name => name, name => query.TryGetValue(name, out var value) ? (string?)value.ToString() : null, StringComparer.Ordinal);
    }

    /// <summary>The values for these names as typed, trimmed; null for one left empty.</summary>
    public static Dictionary<string, string?> Typed(IEnumerable<string> names, Func<string, string?> query)
    {
        var typed = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var value = query(name)?.Trim();
            typed[name] = string.IsNullOrEmpty(value) ? null : value;
        }

        return typed;
    }

    /// <summary>The page a list's address asks for: a whole number from 1; anything else is page 1 (the pager wrote it, a hand did not).</summary>
    public static int PageNumber(string? typed) =>
        int.TryParse(typed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    /// <summary>The query string of a view's values with some changed (null removes one), in the order of <paramref name="names"/>.</summary>
    public static string QueryWith(IEnumerable<string> names, IReadOnlyDictionary<string, string?> values, (string Name, string? Value)[] changes)
    {
        var changed = new Dictionary<string, string?>(values, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            changed[name] = value;
        }

        return Query(names, changed.GetValueOrDefault);
    }

    /// <summary>The query string of these values in this order, empty ones left out: "" or "?a=1&amp;b=2".</summary>
    public static string Query(IEnumerable<string> names, Func<string, string?> value)
    {
        var pairs = names.Select(name => (Name: name, Value: value(name)))
            .Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!)}");
        var query = string.Join('&', pairs);
        return query.Length == 0 ? "" : "?" + query;
    }

    /// <summary>Puts the view in the address bar, without a navigation (no reload, no history entry).</summary>
    public static async Task ShowAsync(IJSRuntime js, string pathAndQuery)
    {
        try
        {
            await js.InvokeVoidAsync("history.replaceState", CancellationToken.None, null, "", pathAndQuery);
        }
        catch (JSDisconnectedException)
        {
            // The tab went away while the list loaded: no address bar left to keep in step.
        }
    }
}
