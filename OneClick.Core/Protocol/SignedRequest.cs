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
    /// Parameters a request may carry in all, its own and a client's unsigned extras: the protocol's
    /// and FlexPay's names are 45, so more is a flood, refused before anything is read.
    /// </summary>
    public const int MaxParameters = 64;

    /// <summary>The longest parameter name taken; the protocol's longest is 24 characters.</summary>
    public const int MaxNameLength = 256;

    public static (Dictionary<string, string> Values, int? ShopId, List<ParameterError> Errors) ReadEnvelope(
        IEnumerable<KeyValuePair<string, string>> raw, SignedRequestNames names, string requestName)
    {
        ArgumentNullException.ThrowIfNull(names);
        var errors = new List<ParameterError>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var pairs = raw.ToList();
        if (pairs.Count > MaxParameters || pairs.Any(p => p.Key.Length > MaxNameLength))
        {
            errors.Add(new("(request)", $"carries more than {MaxParameters} parameters or a name longer than {MaxNameLength} characters. Send the parameters of {requestName} and only a few of your own."));
            return (values, null, errors);
        }

        foreach (var (name, value) in pairs)
        {
            if (!names.IsRead(name))
            {
                // A defined name in other letters is that parameter misspelt, not another field: ignored,
                // a referenceID or backURL would silently not apply, so it is refused with the spelling.
                var meant = names.Defined.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                if (meant is not null && !errors.Any(e => e.Parameter == name))
                {
                    errors.Add(new(name, $"is not a parameter of {requestName}. Parameter names are case-sensitive: did you mean '{meant}'?"));
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
        // carries startorder's values back under their own names, so those count too.
        foreach (var (name, value) in values.Where(v => names.IsSigned(v.Key)))
        {
            var hidden = names.Read.Concat(MerchantUrl.ReservedNames).FirstOrDefault(n => value.Contains($":{n}=", StringComparison.Ordinal));
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
