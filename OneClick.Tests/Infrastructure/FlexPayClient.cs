using System.Security.Cryptography;
using System.Text;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A merchant integration that behaves as Verotel's own FlexPay client libraries do (PHP
/// flexpay-php-client 5.x, Kotlin flexpay4j 2.x; <see cref="Legacy"/> for the older Perl / PHP 3.x
/// shape), written here from their published behaviour and sharing no code with the gateway:
/// <list type="bullet">
/// <item>a request drops empty fields, adds <c>shopID</c> and <c>version</c>, and signs only the
/// fixed list of names below; everything else (<c>email</c>, <c>oneClickToken</c>, <c>origin</c>, ...)
/// goes along unsigned; the query is form-encoded with <c>+</c> for a space;</item>
/// <item>what the gateway sends back is validated by hashing every parameter received but
/// <c>signature</c> (an empty one as <c>name=</c>), SHA-256 or SHA-1.</item>
/// </list>
/// </summary>
public sealed class FlexPayClient(string baseUrl, int shopId, string secret, bool legacy = false)
{
    /// <summary>The names a current client signs; every other field is sent unsigned.</summary>
    private static readonly string[] SignedNames =
    [
        "version", "shopID", "priceAmount", "priceCurrency", "paymentMethod", "description", "referenceID",
        "saleID", "custom1", "custom2", "custom3", "subscriptionType", "period", "name", "trialAmount",
        "trialPeriod", "cancelDiscountPercentage", "type", "successURL", "declineURL", "precedingSaleID",
        "upgradeOption", "mcc", "subCreditorName", "subCreditorId", "subCreditorCountry",
    ];

    /// <summary>The older clients (Perl's 3.5, PHP before 5): <c>backURL</c> kept and signed, SHA-1 signatures.</summary>
    public static FlexPayClient Legacy(string baseUrl, int shopId, string secret) => new(baseUrl, shopId, secret, legacy: true);

    public string Version => legacy ? "3.5" : "4";

    public string PurchaseUrl(IReadOnlyDictionary<string, string?> parameters) => Url("/startorder", "purchase", parameters);

    public string StatusUrl(IReadOnlyDictionary<string, string?> parameters) => Url("/salestatus", null, parameters);

    /// <summary>What the signature of a request covers: the fixed list (and, for the old clients, backURL).</summary>
    public static IEnumerable<KeyValuePair<string, string>> SignedPart(IEnumerable<KeyValuePair<string, string>> fields, bool legacy = false) =>
        fields.Where(f => SignedNames.Contains(f.Key, StringComparer.Ordinal) || (legacy && f.Key == "backURL"));

    /// <summary>validate_signature: every parameter received but the signature, compared with the lowercased one given.</summary>
    public bool Validate(IEnumerable<KeyValuePair<string, string>> received)
    {
        var fields = received.ToList();
        var given = fields.Where(f => f.Key == "signature").Select(f => f.Value.ToLowerInvariant()).SingleOrDefault();
        var rest = fields.Where(f => f.Key != "signature").ToList();
        if (!rest.Any(f => f.Key == "shopID"))
        {
            rest.Add(new("shopID", shopId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return given is not null && (given == Hash(rest, sha1: false) || given == Hash(rest, sha1: true));
    }

    /// <summary>Validates the query of a URL the gateway sent (a redirect or a postback), as a merchant's page would read it.</summary>
    public bool ValidateUrl(string url) => Validate(ReadQuery(new Uri(url).Query));

    /// <summary>A query as PHP's $_GET reads it: '+' is a space, percent escapes decoded, a name without '=' has an empty value.</summary>
    public static List<KeyValuePair<string, string>> ReadQuery(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Select(p => new KeyValuePair<string, string>(FormDecode(p[0]), p.Length > 1 ? FormDecode(p[1]) : ""))
        .ToList();

    private string Url(string path, string? type, IReadOnlyDictionary<string, string?> parameters)
    {
        var fields = new Dictionary<string, string?>(parameters, StringComparer.Ordinal);
        if (!legacy && fields.Remove("backURL", out var back) && !string.IsNullOrEmpty(back))
        {
            fields["successURL"] = back;
        }

        if (type is not null)
        {
            fields["type"] = type;
        }

        fields["version"] = Version;
        fields.TryAdd("shopID", shopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sent = fields
            .Where(f => !string.IsNullOrEmpty(f.Value))
            .Select(f => new KeyValuePair<string, string>(f.Key, f.Value!))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        sent.Add(new("signature", Hash(SignedPart(sent, legacy), sha1: legacy)));
        return baseUrl + path + "?" + string.Join('&', sent.Select(f => FormEncode(f.Key) + "=" + FormEncode(f.Value)));
    }

    private string Hash(IEnumerable<KeyValuePair<string, string>> pairs, bool sha1)
    {
        var text = secret + ":" + string.Join(':', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        var bytes = Encoding.UTF8.GetBytes(text);
#pragma warning disable CA5350 // FlexPay's legacy signatures are SHA-1.
        return Convert.ToHexStringLower(sha1 ? SHA1.HashData(bytes) : SHA256.HashData(bytes));
#pragma warning restore CA5350
    }

    /// <summary>http_build_query's encoding (RFC 1738): letters, digits and '-_.' as they are, a space as '+', the rest %XX.</summary>
    private static string FormEncode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(b == ' ' ? "+" : $"%{b:X2}");
            }
        }

        return builder.ToString();
    }

    private static string FormDecode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
