namespace OneClick.Core.Orders;

/// <summary>
/// The languages a buyer reads the order page and e-mails in (docs/protocol.md section 3,
/// <c>language</c>): two-letter codes. Another value is no error: it falls back to the browser's
/// language, else English.
/// </summary>
public static class BuyerLanguage
{
    public const string English = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "de", "fr", "es", "it", "cs", "nl", "pl", "ru"];

    /// <summary>A supported code as written (any case, spaces around ignored), else null.</summary>
    public static string? Parse(string? value)
    {
        var code = value?.Trim().ToLowerInvariant();
        return code is not null && Supported.Contains(code) ? code : null;
    }
}
