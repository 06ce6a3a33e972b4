using System.Globalization;
using System.Text.RegularExpressions;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Core.Protocol;

/// <summary>
/// The first step of reading any signed merchant request (startorder, salestatus): the names it
/// reads (<see cref="SignedRequestNames"/>), each given once, a shop id to verify against, a
/// signature. Needs no shop and no key. Any other parameter is dropped here, unread and unshown:
/// the signature does not cover it, so nothing past this step may act on it.
/// </summary>
public static partial class SignedRequest
{
    /// <summary>
    /// Parameters a request may carry in all, its own and a client's unsigned extras: startorder reads
    /// 32 names (salestatus 27), so more is a flood, refused before anything is read.
    /// </summary>
    public const int MaxParameters = 64;

    /// <summary>The longest parameter name taken; the protocol's longest is 24 characters.</summary>
    public const int MaxNameLength = 256;

    /// <returns>
    /// The values read, the shop id, what is wrong, and the defined names that came in other letters
    /// (ignored like any other parameter; the caller may log the known spelling, never the one sent).
    /// </returns>
    public static (Dictionary<string, string> Values, int? ShopId, List<ParameterError> Errors, List<string> Misspelt) ReadEnvelope(
        IEnumerable<KeyValuePair<string, string>> raw, SignedRequestNames names, string requestName)
    {
        ArgumentNullException.ThrowIfNull(names);
        var errors = new List<ParameterError>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var misspelt = new List<string>();
        var pairs = raw.ToList();
        if (pairs.Count > MaxParameters || pairs.Any(p => p.Key.Length > MaxNameLength))
        {
            errors.Add(new("(request)", $"carries more than {MaxParameters} parameters or a name longer than {MaxNameLength} characters. Send the parameters of {requestName} and only a few of your own."));
            return (values, null, errors, misspelt);
        }

        foreach (var (name, value) in pairs)
        {
            if (!names.IsRead(name))
            {
                // Section 2: any other parameter is ignored entirely, a defined name in other letters too.
                if (names.Defined.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) is { } meant && !misspelt.Contains(meant))
                {
                    misspelt.Add(meant);
                }

                continue;
            }

            if (!values.TryAdd(name, value) && !errors.Any(e => e.Parameter == name))
            {
                errors.Add(new(name, "is given more than once. Send each parameter once."));
            }
        }

        // The scheme has no escaping: custom1="a:custom2=b" signs exactly as custom1=a and custom2=b do,
        // so such a value is a pair moved into another without changing the signature. The OK data
        // carries startorder's values back, and a merchant checks every field it receives, so any
        // name a merchant's framework could read counts, not only the ones the gateway knows.
        foreach (var (name, value) in values.Where(v => names.IsSigned(v.Key)))
        {
            if (HiddenPair.In(value) is { Success: true } hidden && !errors.Any(e => e.Parameter == name))
            {
                var pair = Shorten(hidden.Groups["name"].Value);
                errors.Add(new(name, $"contains ':{pair}=', which the signature cannot tell from a separate {pair} parameter. Leave the ':' or the '=' out of the value."));
            }
        }

        int? shopId = null;
        var shopText = Get(values, "shopID");
        if (shopText is null)
        {
            errors.Add(new("shopID", "is required: the id of your shop as shown in the back-office."));
        }
        else if (!ShopIdPattern().IsMatch(shopText) || !int.TryParse(shopText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            errors.Add(new("shopID", $"must be a whole number (the id of your shop), not '{Shorten(shopText)}'."));
        }
        else
        {
            shopId = parsed;
        }

        if (Get(values, "signature") is null)
        {
            errors.Add(new("signature", "is required: the SHA-256 signature of the request, see section 2 of the protocol."));
        }

        return (values, shopId, errors, misspelt);
    }

    /// <summary>A parameter's value; an empty one counts as absent (section 2).</summary>
    public static string? Get(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// Echoes at most 40 characters of a rejected value, control and invisible format characters
    /// (zero-width, bidi overrides that would turn the rest of the message around) shown as '?'.
    /// </summary>
    public static string Shorten(string value)
    {
        var shown = value.Length <= 40 ? value : value[..40] + "…";
        return string.Create(shown.Length, shown, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.Format ? '?' : text[i];
            }
        });
    }

    [GeneratedRegex(@"^[1-9][0-9]{0,9}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ShopIdPattern();
}
