using System.Text.RegularExpressions;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout.Localization;

/// <summary>
/// The buyer's texts are whole in every language: each language's file has every English text, with
/// its placeholders, and every text the code asks for is there (else the buyer would read English).
/// </summary>
public sealed partial class BuyerTextTests
{
    public static TheoryData<string> Languages() => [.. BuyerLanguage.Supported.Where(l => l != "en")];

    [Fact]
    public void Nine_languages_are_offered()
    {
        BuyerLanguage.Supported.ShouldBe(["en", "de", "fr", "es", "it", "cs", "nl", "pl", "ru"]);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Language_file_has_every_english_text_with_its_placeholders(string language)
    {
        var english = BuyerTextFiles.Read("en");
        var translated = BuyerTextFiles.Read(language);

        translated.Keys.Except(english.Keys).ShouldBeEmpty("texts the English file does not have");
        english.Keys.Except(translated.Keys).ShouldBeEmpty("texts left untranslated");
        foreach (var (key, value) in translated)
        {
            value.Trim().ShouldNotBeEmpty(key);
            Placeholders(value).ShouldBe(Placeholders(key), key);
        }
    }

    [Fact]
    public void Every_text_the_buyer_pages_and_emails_ask_for_is_in_the_english_file()
    {
        var english = BuyerTextFiles.Read("en").Keys.ToHashSet(StringComparer.Ordinal);
        var web = RepositoryFolder.PathOf("OneClick.Web");
        var sources = Directory.GetFiles(Path.Combine(web, "Features", "Checkout"), "*.*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(web, "Components"), "*.razor", SearchOption.AllDirectories))
            .Append(Path.Combine(web, "Hosting", "ClientErrorMessages.cs"))
            .Append(Path.Combine(web, "Features", "Notifications", "BuyerEmails.cs"))
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal));

        var asked = sources.SelectMany(f => LocalizedLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Text: m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal))))
            .ToList();

        asked.Count.ShouldBeGreaterThan(100);
        asked.Where(a => !english.Contains(a.Text)).Select(a => $"{a.File}: {a.Text}").ShouldBeEmpty();
    }

    [Fact]
    public void Every_decline_reason_a_buyer_reads_is_in_the_english_file()
    {
        var english = BuyerTextFiles.Read("en");

        Enum.GetValues<DeclineReason>().Select(r => r.ForBuyer()).Where(text => !english.ContainsKey(text)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 4242 4242 4241")]
    [InlineData("42x")]
    [InlineData("4242")]
    public void Card_number_errors_are_in_the_english_file(string number)
    {
        var error = OneClick.Core.Cards.CardNumber.Parse(number).Error.ShouldNotBeNull();

        BuyerTextFiles.Read("en").ShouldContainKey(error);
    }

    private static List<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{\d\}")]
    private static partial Regex Placeholder();

    /// <summary><c>T["..."]</c> in a page, <c>t["..."]</c> in code.</summary>
    [GeneratedRegex(@"\b[Tt]\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LocalizedLiteral();
}
