using System.Security.Cryptography;
using System.Text;
using OneClick.Core.Wallets;

namespace OneClick.Core.Cards;

/// <summary>
/// Encrypts card numbers (AES-256-GCM), recognises them again (HMAC-SHA256) and derives
/// oneClickTokens, all under keys derived from one master key that lives outside the database.
/// </summary>
public sealed class CardVault
{
    private readonly byte[] encryptionKey;
    private readonly byte[] fingerprintKey;
    private readonly byte[] tokenKey;

    public CardVault(byte[] masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key has 32 bytes.", nameof(masterKey));
        }

        encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "oneclick pan encryption v1"u8.ToArray());
        fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "oneclick pan fingerprint v1"u8.ToArray());
        tokenKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "oneclick token v1"u8.ToArray());
        KeyId = Convert.ToHexStringLower(SHA256.HashData(encryptionKey))[..8];
    }

    /// <summary>Names the encryption key, so that ciphertexts of an older key can be told apart.</summary>
    public string KeyId { get; }

    public EncryptedPan Encrypt(CardNumber card)
    {
        var plain = Encoding.ASCII.GetBytes(card.Digits);
        var output = new byte[12 + 16 + plain.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(encryptionKey, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(28), output.AsSpan(12, 16), Encoding.ASCII.GetBytes(KeyId));
        CryptographicOperations.ZeroMemory(plain);
        return new EncryptedPan(KeyId, output);
    }

    public CardNumber Decrypt(EncryptedPan pan)
    {
        if (pan.KeyId != KeyId || pan.Ciphertext.Length < 29)
        {
            throw new CryptographicException("The card was encrypted under another key.");
        }

        var plain = new byte[pan.Ciphertext.Length - 28];
        using var aes = new AesGcm(encryptionKey, 16);
        aes.Decrypt(pan.Ciphertext.AsSpan(0, 12), pan.Ciphertext.AsSpan(28), pan.Ciphertext.AsSpan(12, 16), plain, Encoding.ASCII.GetBytes(KeyId));
        var parsed = CardNumber.Parse(Encoding.ASCII.GetString(plain));
        CryptographicOperations.ZeroMemory(plain);
        return parsed.Number ?? throw new CryptographicException("The decrypted card number is not valid.");
    }

    public string Fingerprint(CardNumber card) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(fingerprintKey, Encoding.ASCII.GetBytes(card.Digits)));

    /// <summary>A new token: 256 bits derived from a random seed; the seed and the token's hash are what gets stored.</summary>
    public (string Token, byte[] Seed, string Hash) NewToken()
    {
        var seed = RandomNumberGenerator.GetBytes(16);
        var token = TokenFor(seed);
        return (token, seed, HashToken(token));
    }

    /// <summary>The token a stored seed stands for (to send it again in a postback or on the status page).</summary>
    public string TokenFor(byte[] seed) => Convert.ToBase64String(HMACSHA256.HashData(tokenKey, seed)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>SHA-256 of a browser's cookie value, the form in which wallets and tokens remember the browser.</summary>
    public static string HashBrowserId(string browserId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(browserId)));
}
