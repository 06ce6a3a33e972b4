using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// One Click in Chromium through the demo shop, as a merchant uses it (docs/protocol.md section 4 rules
/// 1-5). Issue 4: the first purchase remembers the card, the second is charged with no input at all,
/// and the same shop user in a fresh browser is asked only for the CVC (the shop sends its user id as
/// customerNumber). Issue 5: a customer with two saved cards pays with the one they choose and
/// deletes them until full entry comes back. And the browser-only wallet, when the shop leaves
/// customerNumber out.
/// </summary>
public sealed class DemoShopOneClickBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private const string SendCustomerNumber = "Send my user id as customerNumber";
    private const string Remember = "Remember my card for future purchases";

    private readonly BrowserFixture browser;
    private readonly GatewayFactory gateway = new();
    private readonly string demoShopUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";

    public DemoShopOneClickBrowserTests(BrowserFixture browser)
    {
        this.browser = browser;
        // OneClickEnabled left unset: with the demo shop running, the seed switches One Click on.
        gateway.Set("OneClick:DemoShop:Enabled", "true")
            .Set("OneClick:DemoShop:Url", demoShopUrl)
            .Set("OneClick:Seed:WebsiteUrl", null)
            .Set("OneClick:Seed:SuccessUrl", null)
            .Set("OneClick:Seed:DeclineUrl", null)
            .Set("OneClick:Seed:PostbackUrl", null);
        gateway.StartOnKestrel();
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Remembered_card_buys_again_with_one_click_and_a_fresh_browser_asks_only_for_the_CVC()
    {
        var (first, user) = await OpenDemoShopAsync();
        await Assertions.Expect(first.GetByLabel(SendCustomerNumber)).ToBeCheckedAsync();
        await Assertions.Expect(first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100) })).ToHaveCountAsync(0);

        // 1. A full purchase: the offer to remember the card is checked by default, so just pay.
        await BuyAsync(first, 100);
        await PayByCardAsync(first, "4242 4242 4242 4242");
        await BackOnTheShopWithAsync(first, "100 credits");

        // 2. Buy again with one click: no field, no button on the way. Had the gateway shown any
        // page that needs input, the buyer would never come back to the shop.
        var oneClick = first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true });
        await Assertions.Expect(oneClick).ToBeVisibleAsync();
        await oneClick.ClickAsync();
        await BackOnTheShopWithAsync(first, "200 credits");
        // The one-click sale brought a new token.
        await Assertions.Expect(first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true })).ToBeVisibleAsync();

        // 3. The same shop user in a fresh browser: its token is from another browser (no
        // remembered-card cookie here), so the gateway does not charge it without input (rule 4);
        // the order page offers the customer's saved card and asks only for its CVC (rule 5).
        var fresh = await SameUserInAFreshBrowserAsync(user, "200 credits");
        await fresh.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true }).ClickAsync();
        await OnTheOrderPageAsync(fresh);
        var savedCards = fresh.GetByRole(AriaRole.Group, new() { Name = "Saved card" });
        await Assertions.Expect(savedCards).ToBeVisibleAsync();
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio)).ToHaveCountAsync(1);
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio, new() { Name = "Visa •••• 4242", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(fresh.GetByLabel("CVC", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(fresh.GetByLabel("Card number", new() { Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(fresh.GetByLabel("Expiry date")).ToHaveCountAsync(0);
        // Nothing was charged yet: the purchase waits for payment and the balance has not moved.
        (await first.GotoAsync(demoShopUrl))!.Ok.ShouldBeTrue();
        await Assertions.Expect(first.Locator("#balance")).ToHaveTextAsync("200 credits");
        await Assertions.Expect(first.Locator("tbody tr").First.GetByRole(AriaRole.Cell, new() { Name = "Waiting for payment", Exact = true })).ToBeVisibleAsync();

        await fresh.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await fresh.GetByRole(AriaRole.Button, new() { Name = "Pay with saved card" }).ClickAsync();

        var ok = await BackOnTheShopWithAsync(fresh, "300 credits");
        ok.ShouldContain("truncatedPAN=424242XXXXXX4242");
        ok.ShouldContain("customerNumber=" + user);
        await Assertions.Expect(fresh.GetByRole(AriaRole.Cell, new() { Name = "Waiting for payment", Exact = true })).ToHaveCountAsync(0);

        // That sale's token is this browser's now: one click here too, with no input.
        await fresh.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true }).ClickAsync();
        await BackOnTheShopWithAsync(fresh, "400 credits");
    }

    [Fact]
    public async Task Customer_with_two_saved_cards_pays_with_the_second_then_deletes_both_and_gets_full_entry_again()
    {
        var (page, _) = await OpenDemoShopAsync();

        // Two cards saved by full entry, "Remember my card" ticked both times.
        await BuyAsync(page, 100);
        await PayByCardAsync(page, "4242 4242 4242 4242");
        await BackOnTheShopWithAsync(page, "100 credits");
        await BuyAsync(page, 100);
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Saved card" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Use a new card", Exact = true }).ClickAsync();
        await PayByCardAsync(page, "5555 5555 5555 4444");
        await BackOnTheShopWithAsync(page, "200 credits");

        // The customer chooses the second card and enters its CVC only.
        await BuyAsync(page, 100);
        var savedCards = page.GetByRole(AriaRole.Group, new() { Name = "Saved card" });
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio)).ToHaveCountAsync(2);
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio, new() { Name = "Visa •••• 4242", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Card number", new() { Exact = true })).ToHaveCountAsync(0);
        await savedCards.GetByRole(AriaRole.Radio, new() { Name = "Mastercard •••• 4444", Exact = true }).CheckAsync();
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("456");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay with saved card" }).ClickAsync();
        var ok = await BackOnTheShopWithAsync(page, "300 credits");
        ok.ShouldContain("truncatedPAN=555555XXXXXX4444");

        // Delete a card: asked to confirm, then one is left.
        await BuyAsync(page, 100);
        await DeleteSavedCardAsync(page, "Visa •••• 4242");
        savedCards = page.GetByRole(AriaRole.Group, new() { Name = "Saved card" });
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio)).ToHaveCountAsync(1);
        await Assertions.Expect(savedCards.GetByRole(AriaRole.Radio, new() { Name = "Mastercard •••• 4444", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Visa •••• 4242", Exact = true })).ToHaveCountAsync(0);

        // Delete the last one: no cards left, full entry and the offer to remember again (rule 5).
        await DeleteSavedCardAsync(page, "Mastercard •••• 4444");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Saved card" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("Card number", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel(Remember)).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Pay with a saved card" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Without_customerNumber_the_card_stays_in_its_browser_and_a_fresh_browser_enters_it_again()
    {
        var (first, user) = await OpenDemoShopAsync();
        await first.GetByLabel(SendCustomerNumber).UncheckAsync();
        await first.GetByRole(AriaRole.Button, new() { Name = "Save wallet choice" }).ClickAsync();
        await Assertions.Expect(first.GetByLabel(SendCustomerNumber)).Not.ToBeCheckedAsync();

        await BuyAsync(first, 100);
        await PayByCardAsync(first, "4242 4242 4242 4242");
        (await BackOnTheShopWithAsync(first, "100 credits")).ShouldNotContain("customerNumber=");
        // The browser's wallet: one click works in the browser that holds the card.
        await first.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true }).ClickAsync();
        await BackOnTheShopWithAsync(first, "200 credits");

        // Elsewhere there is no card to offer: full entry (rule 4), not the saved card.
        var fresh = await SameUserInAFreshBrowserAsync(user, "200 credits");
        await Assertions.Expect(fresh.GetByLabel(SendCustomerNumber)).Not.ToBeCheckedAsync();
        await fresh.GetByRole(AriaRole.Link, new() { Name = OneClickLink(100), Exact = true }).ClickAsync();
        await OnTheOrderPageAsync(fresh);
        await Assertions.Expect(fresh.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await Assertions.Expect(fresh.GetByLabel("Card number", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(fresh.GetByRole(AriaRole.Group, new() { Name = "Saved card" })).ToHaveCountAsync(0);
    }

    private static string OneClickLink(int credits) => $"Buy {credits} credits again with one click";

    private static Task BuyAsync(IPage page, int credits) =>
        page.GetByRole(AriaRole.Link, new() { Name = $"Buy {credits} credits", Exact = true }).ClickAsync();

    /// <summary>Full entry on the order page, "Remember my card" left as it comes: checked.</summary>
    private static async Task PayByCardAsync(IPage page, string cardNumber)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pay by card" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel(Remember)).ToBeCheckedAsync();
        await page.GetByLabel("Card number", new() { Exact = true }).FillAsync(cardNumber);
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("CVC", new() { Exact = true }).FillAsync("123");
        await page.GetByLabel("Cardholder name").FillAsync("Jane Buyer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay 9.99 EUR" }).ClickAsync();
    }

    /// <summary>"Delete card" beside the card, then "Yes, delete"; back on the order page.</summary>
    private static async Task DeleteSavedCardAsync(IPage page, string card)
    {
        var savedCards = page.GetByRole(AriaRole.Group, new() { Name = "Saved card" });
        await savedCards.Locator("div")
            .Filter(new() { Has = page.GetByRole(AriaRole.Radio, new() { Name = card, Exact = true }) })
            .GetByRole(AriaRole.Button, new() { Name = "Delete card", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete this card?" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(card + " will be forgotten")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete this card?" })).ToHaveCountAsync(0);
    }

    private Task OnTheOrderPageAsync(IPage page) =>
        page.WaitForURLAsync(new Regex("^" + Regex.Escape(gateway.ClientOptions.BaseAddress.ToString().TrimEnd('/')) + "/order/"));

    /// <summary>Waits for the shop's return page to show the balance and goes back to the shop; the return URL (OK data).</summary>
    private async Task<string> BackOnTheShopWithAsync(IPage page, string balance)
    {
        // The approval page goes on by itself within 5 s; the shop's page then waits for the postback.
        await page.WaitForURLAsync(new Regex("^" + Regex.Escape(demoShopUrl + "/return?")), new() { Timeout = 15_000 });
        var returnUrl = page.Url;
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync(balance, new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the shop" }).ClickAsync();
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync(balance);
        return returnUrl;
    }

    private async Task<(IPage Page, string User)> OpenDemoShopAsync()
    {
        await WaitForDemoShopAsync();
        var page = await NewBrowserAsync();
        (await page.GotoAsync(demoShopUrl))!.Ok.ShouldBeTrue();
        return (page, (await page.Locator("#user").TextContentAsync())!.Trim());
    }

    /// <summary>The shop's "Same user in another browser" link opened in a new browser.</summary>
    private async Task<IPage> SameUserInAFreshBrowserAsync(string user, string balance)
    {
        var fresh = await NewBrowserAsync();
        (await fresh.GotoAsync($"{demoShopUrl}/?user={user}"))!.Ok.ShouldBeTrue();
        await Assertions.Expect(fresh.Locator("#user")).ToHaveTextAsync(user);
        await Assertions.Expect(fresh.Locator("#balance")).ToHaveTextAsync(balance);
        return fresh;
    }

    /// <summary>A new browser context: its own cookies, as a second browser on another machine.</summary>
    private async Task<IPage> NewBrowserAsync()
    {
        var context = await browser.Browser.NewContextAsync();
        return await context.NewPageAsync();
    }

    private async Task WaitForDemoShopAsync()
    {
        // The gateway starts the demo shop once it listens itself.
        await GatewayFactory.EventuallyAsync(async () =>
        {
            using var client = new HttpClient();
            try
            {
                return (await client.GetAsync(new Uri(demoShopUrl + "/health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the demo shop answers /health");
    }
}
