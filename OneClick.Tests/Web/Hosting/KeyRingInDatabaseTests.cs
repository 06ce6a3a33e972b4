using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Hosting;

/// <summary>
/// On PostgreSQL the data-protection keys are in the database, shared by the nodes, and each is still
/// encrypted under the master key (decisions 020 and 030).
/// </summary>
public sealed class KeyRingInDatabaseTests : IAsyncLifetime
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private readonly DatabaseOfItsOwn database = new("oneclick_keys_");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => database.DropAsync();

    [PostgreSqlFact]
    public async Task Keys_are_rows_encrypted_under_the_master_key_and_a_second_node_reads_what_the_first_protected()
    {
        await database.CreateAsync();
        await using var first = OnTheDatabase(new GatewayFactory());
        await using var second = OnTheDatabase(new GatewayFactory());

        var sealedText = Protector(first).Protect("a sign-in");

        Protector(second).Unprotect(sealedText).ShouldBe("a sign-in");
        var rows = await KeyRowsAsync();
        rows.ShouldHaveSingleItem("the second node used the first node's key, not one of its own");
        var key = XDocument.Parse(rows[0]);
        key.Descendants("masterKey").ShouldBeEmpty("the element that holds the key in clear");
        key.Descendants(DataProtection + "encryptedSecret").ShouldHaveSingleItem()
            .Attribute("decryptorType")!.Value.ShouldStartWith(typeof(MasterKeyXmlDecryptor).FullName + ", OneClick.Web,");
        var folder = Path.Combine(first.DataDirectory, "keys");
        (Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Count() : 0).ShouldBe(0, "no key is kept in a node's own folder");
    }

    [PostgreSqlFact]
    public async Task PostgreSql_without_a_master_key_refuses_to_start_and_says_what_to_set()
    {
        await database.CreateAsync();
        await using var gateway = OnTheDatabase(new GatewayFactory()).Unset("OneClick:MasterKey");

        // Refused at start or at the first use of the key, whichever comes first.
        var refused = Should.Throw<Exception>(() => gateway.Services.GetRequiredService<MasterKey>()).ToString();

        refused.ShouldContain("set OneClick:MasterKey");
        refused.ShouldContain("the same value on every node");
    }

    private GatewayFactory OnTheDatabase(GatewayFactory gateway) => gateway
        .Set("OneClick:Database:Provider", "PostgreSql")
        .Set("OneClick:Database:ConnectionString", database.ConnectionString)
        .Set("OneClick:MasterKey", TestDatabase.SharedMasterKey);

    private static IDataProtector Protector(GatewayFactory gateway) =>
        gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("OneClick.Tests.KeyRing");

    private async Task<List<string>> KeyRowsAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Xml\" FROM \"DataProtectionKeys\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
