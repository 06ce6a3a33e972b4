using System.Text.RegularExpressions;

namespace OneClick.Core.Protocol;

/// <summary>
/// The signature scheme has no escaping: a value holding <c>:name=</c> signs exactly as a separate
/// <c>name</c> parameter would, so such a value is a pair moved into another. One rule for every
/// value the gateway signs: a request's signed parameters (<see cref="SignedRequest"/>) and a
/// merchant URL's own query (<see cref="MerchantUrl.QueryProblem"/>).
/// </summary>
internal static partial class HiddenPair
{
    /// <summary>The first <c>:name=</c> in a value, with any name a merchant's framework could read.</summary>
    public static Match In(string value) => Pattern().Match(value);

    [GeneratedRegex(@":(?<name>[A-Za-z0-9_.\[\]-]+)=", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
