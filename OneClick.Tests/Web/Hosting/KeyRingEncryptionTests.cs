using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Hosting;

/// <summary>The data-protection keys (antiforgery, sign-in cookies) on disk are encrypted under the master key (decision 020).</summary>
public sealed class KeyRingEncryptionTests
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    [SqliteFact]
    public async Task Key_files_hold_their_key_encrypted_for_the_master_key_decryptor_only()
    {
        await using var gateway = new GatewayFactory();
        Protector(gateway).Protect("a sign-in");

        var files = KeyFiles(gateway.DataDirectory);
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            var key = XDocument.Parse(text);
            key.Descendants("masterKey").ShouldBeEmpty("the element that holds the key in clear");
            var secret = key.Descendants(DataProtection + "encryptedSecret").ShouldHaveSingleItem();
            secret.Attribute("decryptorType")!.Value.ShouldStartWith(typeof(MasterKeyXmlDecryptor).FullName + ", OneClick.Web,");

            // What it holds is the key, and the file does not show it.
            var decrypted = new MasterKeyXmlDecryptor(gateway.Services).Decrypt(secret.Elements().Single());
            var value = decrypted.Name.LocalName == "masterKey" ? decrypted.Element("value")?.Value : null;
            value.ShouldNotBeNull().Length.ShouldBeGreaterThan(40);
            text.ShouldNotContain(value);
        }

        gateway.Logs.All.ShouldNotContain("No XML encryptor configured");
    }

    [SqliteFact]
    public async Task Data_protected_before_a_restart_is_read_after_it()
    {
        string dataDirectory;
        string protectedText;
        await using (var first = new GatewayFactory { KeepDataDirectory = true })
        {
            dataDirectory = first.DataDirectory;
            protectedText = Protector(first).Protect("a sign-in");
        }

        await using var second = GatewayFactory.RestartedOn(dataDirectory);
        Protector(second).Unprotect(protectedText).ShouldBe("a sign-in");
    }

    [SqliteFact]
    public async Task Keys_an_older_gateway_wrote_unencrypted_are_still_read()
    {
        string dataDirectory;
        string protectedText;
        // As before decision 020: no encryptor, the key written in clear.
        await using (var older = new GatewayFactory { KeepDataDirectory = true }
            .WithServices(services => services.PostConfigure<KeyManagementOptions>(options => options.XmlEncryptor = null)))
        {
            dataDirectory = older.DataDirectory;
            protectedText = Protector(older).Protect("a sign-in");
            older.Logs.All.ShouldContain("No XML encryptor configured");
        }

        var written = KeyFiles(dataDirectory).ShouldHaveSingleItem();
        XDocument.Load(written).Descendants("masterKey").ShouldHaveSingleItem();

        await using var upgraded = GatewayFactory.RestartedOn(dataDirectory);
        Protector(upgraded).Unprotect(protectedText).ShouldBe("a sign-in");
        KeyFiles(dataDirectory).ShouldBe([written], "the old key still serves: no new one is made");
    }

    [SqliteFact]
    public async Task Keys_under_another_master_key_are_refused_naming_the_master_key()
    {
        string dataDirectory;
        string protectedText;
        await using (var first = new GatewayFactory { KeepDataDirectory = true }.Set("OneClick:MasterKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))))
        {
            dataDirectory = first.DataDirectory;
            protectedText = Protector(first).Protect("a sign-in");
        }

        await using var second = GatewayFactory.RestartedOn(dataDirectory).Set("OneClick:MasterKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        Should.Throw<CryptographicException>(() => Protector(second).Unprotect(protectedText));
        second.Logs.All.ShouldContain("was encrypted under another master key: OneClick:MasterKey is not the key it was written with");
    }

    private static IDataProtector Protector(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("OneClick.Tests.KeyRing");

    private static string[] KeyFiles(string dataDirectory) => Directory.GetFiles(Path.Combine(dataDirectory, "keys"), "key-*.xml");
}
