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
/// The FlexPay signature scheme (docs/protocol.md section 2):
/// hex( HASH( key + ":" + join(":", name=value sorted by name) ) ).
/// What the pairs are differs by direction: a gateway message signs every field it sends
/// (<see cref="SignMessage"/>), a merchant request signs the names on its signed list
/// (<see cref="VerifyRequest"/>).
/// </summary>
public static class FlexPaySignature
{
    /// <summary>The hash over exactly the pairs given, sorted by name (ordinal), an empty value as <c>name=</c>.</summary>
    public static string Compute(
        string signatureKey,
        IEnumerable<KeyValuePair<string, string>> pairs,
        SignatureAlgorithm algorithm = SignatureAlgorithm.Sha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(signatureKey);
        var payload = Encoding.UTF8.GetBytes(Canonical(signatureKey, pairs));
#pragma warning disable CA5350 // SHA-1 only for shops that switched on legacy FlexPay signatures.
        var hash = algorithm == SignatureAlgorithm.Sha1 ? SHA1.HashData(payload) : SHA256.HashData(payload);
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// The signature of a message the gateway sends (OK data, credits, decline and cancel fields):
    /// every field but <c>signature</c>, <c>oneClickToken</c> included, because FlexPay's client
    /// libraries validate by hashing every parameter they receive.
    /// </summary>
    public static string SignMessage(string signatureKey, IEnumerable<KeyValuePair<string, string>> fields) =>
        Compute(signatureKey, fields.Where(f => f.Key != "signature"));

    /// <summary>
    /// Checks a merchant request's signature (startorder, salestatus) over the pairs its signed list
    /// covers, in constant time against every given key (two are active while a shop rotates them).
    /// A 40-hex signature is checked as SHA-1 only when <paramref name="allowSha1"/>.
    /// </summary>
    public static bool VerifyRequest(
        string? signature,
        IEnumerable<string> signatureKeys,
        IEnumerable<KeyValuePair<string, string>> parameters,
        SignedRequestNames names,
        bool allowSha1)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Matches(signature, signatureKeys, names.Covered(parameters), allowSha1);
    }

    /// <summary>Whether a signature is the hash of exactly these pairs under one of the keys, compared in constant time.</summary>
    internal static bool Matches(
        string? signature,
        IEnumerable<string> signatureKeys,
        IEnumerable<KeyValuePair<string, string>> pairs,
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
        var signed = pairs.ToList();
        var matched = false;
        foreach (var key in signatureKeys)
        {
            var expected = Encoding.ASCII.GetBytes(Compute(key, signed, algorithm.Value));
            // Check every key, whatever the first answered, so timing tells nothing.
            matched |= CryptographicOperations.FixedTimeEquals(expected, given);
        }

        return matched;
    }

    internal static string Canonical(string signatureKey, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var signed = pairs
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value);
        return signatureKey + ":" + string.Join(':', signed);
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigit);
}
