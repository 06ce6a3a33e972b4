using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// A buyer in each of the nine languages pays by card, pays again with the saved card and its CVC,
/// and is declined, in Chromium (issue 23). Controls are found by their names in that language (the
/// language's own file); every page shows no English text that has a translation, and passes axe-core.
/// </summary>
public sealed class OrderPageLanguagesBrowserTests(OrderPageLanguagesBrowserTests.Site site, ITestOutputHelper output)
    : IClassFixture<OrderPageLanguagesBrowserTests.Site>
{
    [PagesTheory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("fr")]
    [InlineData("es")]
    [InlineData("it")]
    [InlineData("cs")]
    [InlineData("nl")]
    [InlineData("pl")]
    [InlineData("ru")]
    public async Task Buyer_pays_pays_again_with_the_saved_card_and_is_declined_all_in_their_language(string language)
    {
        var text = Texts.Of(language);
        var culture = CultureInfo.GetCultureInfo(language);
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var page = await site.Browser.NewPageAsync(site.Address, errors.Add);
        var customer = $"buyer-{language}";

        // 1. A purchase by card, the card remembered (ticked by default).
        await OpenAsync(page, Merchant.Purchase("9.99", "EUR", customerNumber: customer), language, text["Pay by card"]);
        await InLanguageAsync(page, language, "order page");
        await page.GetByLabel(text["Card number"], new() { Exact = true }).FillAsync("4242 4242 4242 4242");
        await page.GetByLabel(text["Expiry date"], new() { Exact = true }).FillAsync("12/30");
        await page.GetByLabel(text["CVC"], new() { Exact = true }).FillAsync("123");
        await page.GetByLabel(text["Cardholder name"], new() { Exact = true }).FillAsync("Jana Nováková");
        await Assertions.Expect(page.GetByLabel(text["Remember my card for future purchases"])).ToBeCheckedAsync();
        await site.HoldingTheWayToTheShopAsync(page, async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = Format(text["Pay {0}"], Amount("9.99", culture)), Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = text["Payment approved"] })).ToBeVisibleAsync();
            await InLanguageAsync(page, language, "approval page");
        });

        // 2. The same customer again: the saved card, and only its CVC to type.
        await OpenAsync(page, Merchant.Purchase("4.50", "EUR", customerNumber: customer), language, text["Pay with your saved card"]);
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = text["Saved card"] })).ToBeVisibleAsync();
        await InLanguageAsync(page, language, "saved cards");
        await page.GetByLabel(text["CVC"], new() { Exact = true }).FillAsync("123");
        await site.HoldingTheWayToTheShopAsync(page, async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = text["Pay with saved card"], Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = text["Payment approved"] })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(Amount("4.50", culture))).ToBeVisibleAsync();
        });

        // 3. A card the bank declines: the reason, and what to do, in the same language.
        await OpenAsync(page, Merchant.Purchase("20.00", "EUR"), language, text["Pay by card"]);
        await page.GetByLabel(text["Card number"], new() { Exact = true }).FillAsync("4000 0000 0000 0002");
        await page.GetByLabel(text["Expiry date"], new() { Exact = true }).FillAsync("12/30");
        await page.GetByLabel(text["CVC"], new() { Exact = true }).FillAsync("123");
        await page.GetByLabel(text["Cardholder name"], new() { Exact = true }).FillAsync("Jana Nováková");
        await page.GetByRole(AriaRole.Button, new() { Name = Format(text["Pay {0}"], Amount("20.00", culture)), Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = text["Payment declined"] })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(text["Your bank declined the payment. Try another card, or contact your bank."])).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = text["Try again"] })).ToBeVisibleAsync();
        await InLanguageAsync(page, language, "decline page");

        errors.ShouldBeEmpty();
    }

    private static async Task OpenAsync(IPage page, Dictionary<string, string> purchase, string language, string heading)
    {
        purchase["language"] = language;
        (await page.GotoAsync(Merchant.StartOrderUrl(purchase)))!.Ok.ShouldBeTrue();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>The page says it is in <paramref name="language"/>, shows no English text that has a translation, and passes axe-core.</summary>
    private async Task InLanguageAsync(IPage page, string language, string state)
    {
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe(language, state);
        var shown = await page.Locator("body").InnerTextAsync();
        var english = Texts.EnglishLeftIn(shown, language);
        english.ShouldBeEmpty($"{language} {state}: English left on the page");
        var serious = await AxeCheck.SeriousViolationsAsync(page, $"{language} {state}", output.WriteLine, AxeCheck.RedirectRequiredByTheProtocol);
        serious.ShouldBeEmpty();
    }

    private static string Amount(string amount, CultureInfo culture) => $"{decimal.Parse(amount, CultureInfo.InvariantCulture).ToString("0.00", culture)} EUR";

    private static string Format(string text, params object[] values) => string.Format(CultureInfo.InvariantCulture, text, values);

    /// <summary>A gateway that offers One Click, the shop it sends the buyer to, and one Chromium, for the class.</summary>
    public sealed class Site : IAsyncLifetime, IDisposable
    {
        private readonly MerchantSite merchant = new();
        private readonly GatewayFactory gateway = new();

        public BrowserFixture Browser { get; } = new();

        public Uri Address { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            await Browser.InitializeAsync();
            gateway.Set("OneClick:Seed:SuccessUrl", merchant.BaseUrl + "/success")
                .Set("OneClick:Seed:WebsiteUrl", merchant.BaseUrl + "/")
                .Set("OneClick:Seed:OneClickEnabled", "true");
            Address = gateway.StartOnKestrel();
        }

        /// <summary>Runs <paramref name="check"/> on the approval page, whose way on to the shop waits for it.</summary>
        public Task HoldingTheWayToTheShopAsync(IPage page, Func<Task> check) => BrowserFixture.HoldingTheWayToAsync(page, merchant.BaseUrl, check);

        public Task DisposeAsync() => Browser.DisposeAsync();

        public void Dispose()
        {
            gateway.Dispose();
            merchant.Dispose();
        }
    }

    /// <summary>The buyer texts of each language, read from its file as the gateway has it.</summary>
    private static class Texts
    {
        private static readonly Dictionary<string, string> English = BuyerTextFiles.Read("en");

        public static Dictionary<string, string> Of(string language) => language == "en" ? English : BuyerTextFiles.Read(language);

        /// <summary>
        /// The English texts (the parts between placeholders, 6 characters or more) that <paramref name="shown"/>
        /// still holds although <paramref name="language"/> translates them.
        /// </summary>
        public static List<string> EnglishLeftIn(string shown, string language)
        {
            if (language == "en")
            {
                return [];
            }

            var translated = Of(language);
            return [.. English.Keys
                .Where(key => translated[key] != key)
                .SelectMany(key => Regex.Split(key, @"\{\d\}"))
                .Select(part => part.Trim(' ', '.', ':', ',', '(', ')'))
                // Whole words only: French "Continuer" holds no English "Continue".
                .Where(part => part.Length >= 6 && Regex.IsMatch(shown, $@"(?<!\w){Regex.Escape(part)}(?!\w)"))
                .Distinct()];
        }
    }
}
