using System.Security.Cryptography;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Checkout;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>Every script on the payment pages is listed in docs/scripts.md with the hash the page pins.</summary>
public sealed class ScriptInventoryTests
{
    [Fact]
    public void Card_form_script_hash_matches_the_file_and_the_inventory()
    {
        var root = RepositoryFolder.Root;
        var file = Path.Combine(root, "OneClick.Web", "wwwroot", CheckoutScripts.CardFormPath.TrimStart('/'));
        var actual = "sha384-" + Convert.ToBase64String(SHA384.HashData(File.ReadAllBytes(file)));

        CheckoutScripts.CardFormIntegrity.ShouldBe(actual, "update CheckoutScripts.cs and docs/scripts.md with the new hash");
        File.ReadAllText(Path.Combine(root, "docs", "scripts.md")).ShouldContain(actual);
    }

    [Fact]
    public void Wwwroot_holds_no_script_missing_from_the_inventory()
    {
        var root = RepositoryFolder.Root;
        var inventory = File.ReadAllText(Path.Combine(root, "docs", "scripts.md"));
        var scripts = Directory.GetFiles(Path.Combine(root, "OneClick.Web", "wwwroot"), "*.js", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        foreach (var script in scripts)
        {
            var url = "/" + Path.GetRelativePath(Path.Combine(root, "OneClick.Web", "wwwroot"), script).Replace('\\', '/');
            inventory.ShouldContain(url);
        }
    }
}
