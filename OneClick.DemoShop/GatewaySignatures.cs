using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OneClick.DemoShop;

/// <summary>
/// The two signatures a merchant checks (docs/protocol.md sections 2 and 5), written here from the
/// protocol alone, as any merchant would: the demo shop shares no code with the gateway.
/// </summary>
internal static class GatewaySignatures
{
    public const string PostbackHeaderName = "X-OneClick-Signature";

    /// <summary>
    /// hex(SHA-256(key + ":" + name=value pairs sorted by name, joined by ":")) over exactly the
    /// fields given: the shop passes the fields it signs, and leaves the unsigned ones (oneClickToken) out.
    /// </summary>
    public static string Sign(string key, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var pairs = fields
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + f.Value);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + ":" + string.Join(':', pairs))));
    }

    /// <summary>
    /// The query's <c>signature</c> matches every other parameter of it, as FlexPay's client libraries
    /// check it: the shop's own parameters, the oneClickToken and any empty one (as <c>name=</c>) included.
    /// </summary>
    public static bool VerifyQuery(string key, IReadOnlyDictionary<string, string> query) =>
        query.TryGetValue("signature", out var given)
        && FixedTimeEquals(Sign(key, query.Where(f => f.Key != "signature")), given.ToLowerInvariant());

    /// <summary>
    /// <c>t={unix seconds},v1={hex}</c>, v1 = HMAC-SHA256(key, "{t}.{query as sent}"): proves the
    /// postback came from the gateway lately, so a captured one cannot be replayed later.
    /// </summary>
    public static bool VerifyPostbackHeader(string key, string? header, string rawQuery, DateTimeOffset now, TimeSpan maxAge)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        string? t = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var (name, value) = part.IndexOf('=', StringComparison.Ordinal) is var at and > 0 ? (part[..at], part[(at + 1)..]) : (part, "");
            if (name == "t")
            {
                t = value;
            }
            else if (name == "v1")
            {
                // Several v1 values may come while the gateway rotates keys; one match is enough.
                candidates.Add(value.ToLowerInvariant());
            }
        }

        if (t is null || candidates.Count == 0
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > maxAge)
        {
            return false;
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{t}.{rawQuery}")));
        var matched = false;
        foreach (var candidate in candidates)
        {
            matched |= FixedTimeEquals(expected, candidate);
        }

        return matched;
    }

    /// <summary>
    /// The query as name → value; null when a name repeats, since a keyed prefix hash over sorted
    /// pairs cannot tell which of two values was meant (docs/protocol.md section 2).
    /// </summary>
    public static Dictionary<string, string>? SingleValued(IQueryCollection query)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (values.Count != 1)
            {
                return null;
            }

            fields[name] = values[0] ?? "";
        }

        return fields;
    }

    /// <summary>The raw query string as the client sent it, without its leading '?'.</summary>
    public static string RawQuery(HttpRequest request) =>
        request.QueryString.Value is { Length: > 0 } query && query[0] == '?' ? query[1..] : request.QueryString.Value ?? "";

    private static bool FixedTimeEquals(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));
}
