using System.Security.Cryptography;
using System.Text;

namespace OneClick.Core.Shops;

/// <summary>
/// A shop's key for the JSON API (docs/protocol.md section 7, <c>X-API-KEY</c>). Only its SHA-256 hash is
/// kept: the key itself is shown once, when it is made, and can never be read back.
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;

    /// <summary>How many of the key's first characters are kept, to tell keys apart on a page.</summary>
    public const int PrefixLength = 12;

    /// <summary>What every generated key starts with, so that a leaked one is recognisable (secret scanners).</summary>
    public const string KeyStart = "ock_";

    private ApiKey()
    {
    }

    private ApiKey(int shopId, string name, string key, DateTime createdAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shopId);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ShopId = shopId;
        Name = ValidName(name);
        // A short configured key would be given away by its first 12 characters: never show more than half.
        Prefix = key[..Math.Min(PrefixLength, key.Length / 2)];
        KeyHash = Hash(key);
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }

    public int ShopId { get; private set; }

    public string Name { get; private set; } = "";

    public string Prefix { get; private set; } = "";

    /// <summary>SHA-256 of the whole key, 64 lowercase hex characters.</summary>
    public string KeyHash { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime? RevokedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    /// <summary>A new random key: the entity to store, and the key to show once and forget.</summary>
    public static (ApiKey Key, string Plaintext) Generate(int shopId, string name, DateTime now)
    {
        var plaintext = KeyStart + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (new ApiKey(shopId, name, plaintext, now), plaintext);
    }

    /// <summary>A key chosen elsewhere (an operator's configuration): stored hashed like any other.</summary>
    public static ApiKey FromKey(int shopId, string name, string key, DateTime now) => new(shopId, name, key, now);

    /// <summary>
    /// The stored form of a key. A plain SHA-256 is enough: the key is 256 random bits, so there is
    /// nothing for a slow, salted hash to protect against.
    /// </summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>A revoked key stays revoked at the time it was first revoked.</summary>
    public void Revoke(DateTime now) => RevokedAt ??= now;

    private static string ValidName(string name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            throw new ArgumentException($"An API key's name has 1 to {MaxNameLength} characters.", nameof(name));
        }

        return trimmed;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
