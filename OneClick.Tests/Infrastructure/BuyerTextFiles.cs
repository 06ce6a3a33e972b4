using System.Xml.Linq;

namespace OneClick.Tests.Infrastructure;

/// <summary>The buyer texts of each language, read from its resource file as the gateway has it (decision 034).</summary>
public static class BuyerTextFiles
{
    private static readonly string Folder = RepositoryFolder.PathOf("OneClick.Web", "Features", "Checkout", "Localization");

    /// <summary>English text to <paramref name="language"/>'s: BuyerText.resx for "en" (each text its own key), else BuyerText.&lt;language&gt;.resx.</summary>
    public static Dictionary<string, string> Read(string language) =>
        XDocument.Load(Path.Combine(Folder, language == "en" ? "BuyerText.resx" : $"BuyerText.{language}.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
}
