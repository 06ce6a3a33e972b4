using System.Text.RegularExpressions;

namespace OneClick.Core.Tracing;

/// <summary>
/// A W3C <c>traceparent</c> (version 00: <c>00-{32 hex trace id}-{16 hex span id}-{2 hex flags}</c>)
/// kept on an order or a postback, so that the work a purchase does later (its payment on another
/// request, its postback from a job) joins the trace the purchase started. It names a request, never a
/// buyer or a card.
/// </summary>
public static partial class TraceParent
{
    public const int Length = 55;

    /// <summary>Whether <paramref name="value"/> is a version-00 traceparent with non-zero ids; anything else is not kept.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: Length } && Shape().IsMatch(value)
        && value.AsSpan(3, 32).ContainsAnyExcept('0')
        && value.AsSpan(36, 16).ContainsAnyExcept('0');

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
