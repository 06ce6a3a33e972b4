using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using OneClick.Web.Persistence;

namespace OneClick.Web.Hosting;

public static class KeyRingEncryptionServiceCollectionExtensions
{
    /// <summary>
    /// The data-protection keys (antiforgery, sign-in cookies), each encrypted under the master key
    /// (decision 020), so that they survive restarts: in the data folder's keys/ on SQLite, in the
    /// database on PostgreSQL, where every node must read the cookies and forms of every other (decision 030).
    /// </summary>
    public static IServiceCollection AddOneClickDataProtection(this IServiceCollection services, DataDirectory dataDirectory, DatabaseOptions database)
    {
        var protection = services.AddDataProtection().SetApplicationName("OneClick");
        if (database.IsPostgreSql)
        {
            protection.PersistKeysToDbContext<OneClickDbContext>();
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(dataDirectory.PathOf("keys")));
        }

        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlEncryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<MasterKey>())));
        return services;
    }
}

/// <summary>AES-256-GCM under a key derived from the master key for this purpose only.</summary>
internal static class KeyRingCipher
{
    private const string Purpose = "oneclick data protection keys v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes(Purpose);

    public static byte[] Key(MasterKey masterKey) => masterKey.Derive(Purpose);

    /// <summary>Nonce, tag, then ciphertext.</summary>
    public static byte[] Seal(byte[] key, byte[] plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData);
        return output;
    }

    public static byte[] Open(byte[] key, byte[] sealedBytes)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted data-protection key is truncated.");
        }

        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext, AssociatedData);
        return plaintext;
    }
}

/// <summary>Encrypts a data-protection key's secret element before the key ring writes it to disk.</summary>
public sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
{
    private readonly byte[] key = KeyRingCipher.Key(masterKey);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = KeyRingCipher.Seal(key, plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(
            "encryptedKey",
            new XAttribute("version", 1),
            new XComment(" AES-256-GCM under a key derived from OneClick:MasterKey (docs/decisions/020) "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>
/// Decrypts what <see cref="MasterKeyXmlEncryptor"/> wrote. The key ring creates it by the type name
/// recorded in each key file, through this constructor: the type keeps its name and namespace, or
/// the keys written so far can no longer be read.
/// </summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly byte[] key = KeyRingCipher.Key(services.GetRequiredService<MasterKey>());

    public XElement Decrypt(XElement encryptedElement)
    {
        if ((int?)encryptedElement.Attribute("version") != 1 || encryptedElement.Element("value")?.Value is not { } value)
        {
            throw new CryptographicException("The encrypted data-protection key is not in a form this gateway knows (version 1).");
        }

        byte[] plaintext;
        try
        {
            plaintext = KeyRingCipher.Open(key, Convert.FromBase64String(value));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                "A data-protection key in the data folder's keys/ was encrypted under another master key: OneClick:MasterKey is not the key it was written with. "
                + "Set that key again, or delete the key files (staff sign in again and open forms are posted again).",
                e);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
