using System.Security.Cryptography;
using System.Text;

namespace OneClick.Core.Signatures;

public enum SignatureAlgorithm
{
    Sha256,
    /// <summary>Legacy FlexPay signatures: accepted only where a shop switches them on.</summary>
    Sha1,
}

/// <summary>
/// The FlexPay signature scheme (PROTOCOL.md section 2):
/// hex( HASH( key + ":" + join(":", name=value sorted by name) ) ).
/// </summary>
public static class FlexPaySignature
{
    /// <summary>Parameters that never take part in a signature.</summary>
    public static readonly IReadOnlySet<string> UnsignedParameters =
        new HashSet<string>(StringComparer.Ordinal) { "signature", "email", "oneClickToken" };

    public static string Compute(
        string signatureKey,
        IEnumerable<KeyValuePair<string, string>> parameters,
        SignatureAlgorithm algorithm = SignatureAlgorithm.Sha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(signatureKey);
        var payload = Encoding.UTF8.GetBytes(Canonical(signatureKey, parameters));
#pragma warning disable CA5350 // SHA-1 only for shops that switched on legacy FlexPay signatures.
        var hash = algorithm == SignatureAlgorithm.Sha1 ? SHA1.HashData(payload) : SHA256.HashData(payload);
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Checks a signature in constant time against every given key (two are active while a shop
    /// rotates them). A 40-hex signature is checked as SHA-1 only when <paramref name="allowSha1"/>.
    /// </summary>
    public static bool Verify(
        string? signature,
        IEnumerable<string> signatureKeys,
        IEnumerable<KeyValuePair<string, string>> parameters,
        bool allowSha1)
    {
        if (signature is null)
        {
            return false;
        }

        var algorithm = signature.Length switch
        {
            64 => SignatureAlgorithm.Sha256,
            40 when allowSha1 => SignatureAlgorithm.Sha1,
            _ => (SignatureAlgorithm?)null,
        };
        if (algorithm is null || !IsHex(signature))
        {
            return false;
        }

        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        var pairs = parameters.ToList();
        var matched = false;
        foreach (var key in signatureKeys)
        {
            var expected = Encoding.ASCII.GetBytes(Compute(key, pairs, algorithm.Value));
            // Check every key, whatever the first answered, so timing tells nothing.
            matched |= CryptographicOperations.FixedTimeEquals(expected, given);
        }

        return matched;
    }

    internal static string Canonical(string signatureKey, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var signed = parameters
            .Where(p => !UnsignedParameters.Contains(p.Key) && !string.IsNullOrEmpty(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value);
        return signatureKey + ":" + string.Join(':', signed);
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}
