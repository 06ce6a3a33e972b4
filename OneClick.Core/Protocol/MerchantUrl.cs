using System.Text;
using OneClick.Core.Signatures;

namespace OneClick.Core.Protocol;

/// <summary>
/// Appends signed fields to a merchant's URL. A merchant's own query parameters (e.g.
/// <c>?user=42</c>) arrive next to ours, and a merchant verifies over every parameter it receives
/// (section 2), so the signature covers them too.
/// </summary>
public static class MerchantUrl
{
    /// <summary>Names the gateway puts on a merchant's URL; a merchant's own query may not use them.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "shopID", "saleID", "transactionID", "referenceID", "priceAmount", "priceCurrency", "paymentMethod",
        "type", "custom1", "custom2", "custom3", "customerNumber", "CCBrand", "truncatedPAN", "oneClickToken",
        "signature", "saleResult", "email", "event",
    };

    /// <summary>An API order's URLs also receive these (docs/protocol.md section 7); startorder URLs may use them freely.</summary>
    public static readonly IReadOnlySet<string> ApiReservedNames = new HashSet<string>(ReservedNames, StringComparer.Ordinal)
    {
        "contractId", "securityToken",
    };

    /// <summary>
    /// What keeps a merchant URL's own query from being signed as the merchant reads it, or null when
    /// nothing does. The gateway signs every parameter the merchant receives, its own ones too, and a
    /// merchant's framework must read them back exactly: PHP renames '.', ' ' and '[' in names and
    /// drops a pair without a name; a percent escape that is not UTF-8 decodes to other text there
    /// than here; a repeated name keeps one value; a name the gateway adds would come twice.
    /// </summary>
    public static string? QueryProblem(Uri url, IReadOnlySet<string>? reservedNames = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = segment.Split('=', 2);
            var value = "";
            if (!TryDecodeUtf8(parts[0], out var name) || (parts.Length > 1 && !TryDecodeUtf8(parts[1], out value)))
            {
                return "has a percent escape in its query that is not UTF-8 text. Encode the query as UTF-8.";
            }

            // Signed decoded, an escaped ':name=' would read as a pair of its own (SignedRequest's rule).
            var hidden = HiddenPair.In(name) is { Success: true } inName ? inName : HiddenPair.In(value);
            if (hidden.Success)
            {
                var pair = SignedRequest.Shorten(hidden.Groups["name"].Value);
                return $"has a query value holding ':{pair}=' (decoded), which the signature cannot tell from a separate {pair} parameter. Leave the ':' or the '=' out of it.";
            }

            if (name.Length == 0)
            {
                return "has a query parameter without a name. Remove it or give it a name.";
            }

            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return "has a query parameter whose name holds other characters than letters, digits, '_' and '-', which frameworks rename as they read it (the signature would not match). Rename it.";
            }

            if ((reservedNames ?? ReservedNames).Contains(name))
            {
                return $"has its own query parameter '{name}', which the gateway adds itself. Rename it in the URL.";
            }

            if (!seen.Add(name))
            {
                return "repeats a query parameter: the signature could not say which value counts. Send each name once.";
            }
        }

        return null;
    }

    private static bool TryDecodeUtf8(string text, out string decoded)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i] == '+' ? " " : text[i].ToString()));
            }
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = "";
            return false;
        }
    }

    /// <summary>Whether a postback to this URL would reach the gateway's own machine or network: loopback, private, link-local.</summary>
    public static bool PointsInside(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.IsLoopback || url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || url.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return System.Net.IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var ip) && IsInside(ip);
    }

    /// <summary>
    /// Whether an address is on the gateway's own machine or network (loopback, private, link-local,
    /// carrier-grade NAT, unspecified, multicast): checked again where a host name is resolved, so
    /// that a name cannot lead where an address literal may not.
    /// </summary>
    public static bool IsInside(System.Net.IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        if (ip.IsIPv4MappedToIPv6 || EmbedsIPv4(ip))
        {
            ip = new System.Net.IPAddress(ip.GetAddressBytes()[12..]);
        }

        if (System.Net.IPAddress.IsLoopback(ip))
        {
            return true;
        }

        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || ip.IsIPv6Multicast
                || ip.Equals(System.Net.IPAddress.IPv6Any);
        }

        var b = ip.GetAddressBytes();
        return b[0] is 0 or 10 or 127 or >= 224 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }

    /// <summary>NAT64 (64:ff9b::/96) and the old IPv4-compatible form (::a.b.c.d) reach an IPv4 address.</summary>
    private static bool EmbedsIPv4(System.Net.IPAddress ip)
    {
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = ip.GetAddressBytes();
        var nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && (b[12] | b[13]) != 0; // not :: or ::1
        return nat64 || compatible;
    }

    /// <summary>The URL with the gateway's fields appended and the whole query signed (section 2).</summary>
    public static string WithSignedFields(string url, IReadOnlyList<KeyValuePair<string, string>> fields, string signatureKey) =>
        SignQuery(WithFields(url, fields), signatureKey);

    /// <summary>The URL with fields appended to its query, unsigned: the outbox keeps postbacks so and signs them as they are sent.</summary>
    public static string WithFields(string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var (head, fragment) = SplitFragment(url);
        var builder = new StringBuilder(head);
        var separator = !head.Contains('?', StringComparison.Ordinal) ? "?" : (head.EndsWith('?') || head.EndsWith('&') ? "" : "&");
        // A field without a value is left out, never sent empty (section 2).
        foreach (var (name, value) in fields.Where(f => !string.IsNullOrEmpty(f.Value)))
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = "&";
        }

        return builder.Append(fragment).ToString();
    }

    /// <summary>Adds one field (e.g. <c>oneClickToken</c>, which the outbox does not keep) to a URL before it is signed.</summary>
    public static string WithField(string url, string name, string value) => WithFields(url, [new(name, value)]);

    /// <summary>
    /// Signs a URL's query as FlexPay's client libraries check it: over every parameter the merchant
    /// will receive, its own ones and empty ones (as <c>name=</c>) included. A <c>signature</c> already
    /// there (an outbox row written before postbacks were signed as they are sent) is replaced.
    /// </summary>
    public static string SignQuery(string url, string signatureKey)
    {
        var (head, fragment) = SplitFragment(url);
        var queryAt = head.IndexOf('?', StringComparison.Ordinal);
        var segments = queryAt < 0 ? [] : head[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(segment => Decode(segment.Split('=', 2)[0]) != "signature")
            .ToList();
        var signature = FlexPaySignature.SignMessage(signatureKey, ParseQuery(string.Join('&', segments)));
        segments.Add("signature=" + signature);
        return (queryAt < 0 ? head : head[..queryAt]) + "?" + string.Join('&', segments) + fragment;
    }

    /// <summary>The query string of a URL as it stands, without '?' and without the fragment.</summary>
    public static string QueryOf(string url)
    {
        var (head, _) = SplitFragment(url);
        var queryAt = head.IndexOf('?', StringComparison.Ordinal);
        return queryAt >= 0 ? head[(queryAt + 1)..] : "";
    }

    private static (string Head, string Fragment) SplitFragment(string url)
    {
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        return fragmentAt >= 0 ? (url[..fragmentAt], url[fragmentAt..]) : (url, "");
    }

    /// <summary>Reads a query string the way web frameworks do: <c>+</c> is a space, percent escapes decoded.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query) => query
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(parts => new KeyValuePair<string, string>(Decode(parts[0]), parts.Length > 1 ? Decode(parts[1]) : ""))
        .ToList();

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
