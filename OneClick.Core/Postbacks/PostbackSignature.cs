using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OneClick.Core.Postbacks;

/// <summary>
/// The <c>X-OneClick-Signature</c> header (docs/protocol.md section 5): <c>t={unix seconds},v1={hex}</c>
/// with v1 = HMAC-SHA256(key, "{t}.{query string as sent}"), so that a merchant can refuse replays.
/// </summary>
public static class PostbackSignature
{
    public const string HeaderName = "X-OneClick-Signature";

    public static string Header(string signatureKey, string queryString, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={V1(signatureKey, t, queryString)}";
    }

    public static string V1(string signatureKey, string t, string queryString) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signatureKey), Encoding.UTF8.GetBytes($"{t}.{queryString.TrimStart('?')}")));

    /// <summary>What a merchant does: the header matches and is at most <paramref name="tolerance"/> old.</summary>
    public static bool Verify(string? header, string signatureKey, string queryString, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        // A header is what anyone may send: a repeated part or a t out of range is a refusal, not an exception.
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        if (parts.DistinctBy(p => p[0], StringComparer.Ordinal).Count() != parts.Count)
        {
            return false;
        }

        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        var v1 = parts.FirstOrDefault(p => p[0] == "v1")?[1];
        if (t is null || v1 is null
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(V1(signatureKey, t, queryString)), Encoding.ASCII.GetBytes(v1.ToLowerInvariant()));
    }
}
