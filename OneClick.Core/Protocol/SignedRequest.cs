using System.Globalization;
using System.Text.RegularExpressions;
using OneClick.Core.Orders;

namespace OneClick.Core.Protocol;

/// <summary>
/// The first step of reading any signed merchant request (startorder, salestatus): known and
/// unrepeated names, a shop id to verify against, a signature. Needs no shop and no key. The
/// signature is a keyed prefix hash, so nothing outside the known parameters is let through.
/// </summary>
public static partial class SignedRequest
{
    public static (Dictionary<string, string> Values, int? ShopId, List<ParameterError> Errors) ReadEnvelope(
        IEnumerable<KeyValuePair<string, string>> raw, IReadOnlyList<string> knownNames, string requestName, bool explainUnknown = false)
    {
        var errors = new List<ParameterError>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (!knownNames.Contains(name, StringComparer.Ordinal))
            {
                var hint = knownNames.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                // explainUnknown: list the known names. A parameter without a name is called so: it would show as nothing.
                var those = explainUnknown ? $" (those are {string.Join(", ", knownNames)})" : "";
                errors.Add(new(name.Length == 0 ? "(a parameter without a name)" : Shorten(name), hint is null
                    ? $"is not a parameter of {requestName}{those}. Remove it: unknown parameters are refused because they would change what the signature covers."
                    : $"is not a parameter of {requestName}. Parameter names are case-sensitive: did you mean '{hint}'?"));
                continue;
            }

            if (!values.TryAdd(name, value) && !errors.Any(e => e.Parameter == name))
            {
                errors.Add(new(name, "is given more than once. Send each parameter once."));
            }
        }

        // The scheme has no escaping: custom1="a:custom2=b" signs exactly as custom1=a and custom2=b do,
        // so such a value is a pair moved into another without changing the signature. The OK data
        // carries startorder's values back under their own names, so those count too.
        foreach (var (name, value) in values)
        {
            var hidden = knownNames.Concat(MerchantUrl.ReservedNames).FirstOrDefault(n => value.Contains($":{n}=", StringComparison.Ordinal));
            if (hidden is not null && !errors.Any(e => e.Parameter == name))
            {
                errors.Add(new(name, $"contains ':{hidden}=', which the signature cannot tell from a separate {hidden} parameter. Leave the ':' or the '=' out of the value."));
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

        return (values, shopId, errors);
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
