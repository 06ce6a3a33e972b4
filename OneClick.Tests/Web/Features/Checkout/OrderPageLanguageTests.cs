using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>
/// Which language an order page speaks (issue 23): the startorder's <c>language</c>, else the
/// browser's <c>Accept-Language</c>, else English; the menu changes it and keeps the order; the
/// receipt follows the order.
/// </summary>
public sealed class OrderPageLanguageTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Startorder_language_shows_the_order_page_in_that_language_and_keeps_it_on_the_order()
    {
        var buyer = Buyer.Of(gateway);

        var page = await buyer.StartAsync(InLanguage(Merchant.Purchase("9.99", "EUR"), "de"));

        page.Document.DocumentElement.GetAttribute("lang").ShouldBe("de");
        page.Heading.ShouldBe("Mit Karte bezahlen");
        // An amount as German writes it.
        page.Document.QuerySelector("[aria-label=Betrag]").ShouldNotBeNull().TextContent.ShouldBe("9,99 EUR");
        (await gateway.WithDbAsync(db => db.Orders.Where(o => o.Id == page.OrderId).Select(o => o.Language).SingleAsync())).ShouldBe("de");
    }

    [Fact]
    public async Task Startorder_language_is_unsigned_and_an_unknown_one_falls_back_to_the_browser_then_english()
    {
        var french = Buyer.Of(gateway);
        french.Client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr-CH"));
        french.Client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en", 0.5));

        // Added after signing: the signature still holds (language is not signed), and "tlh" is no error.
        var page = await french.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()) + "&language=tlh");

        page.Heading.ShouldBe("Payer par carte");
        (await Buyer.Of(gateway).GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()) + "&language=xx")).Heading.ShouldBe("Pay by card");
    }

    [Fact]
    public async Task Merchant_language_wins_over_the_browser_language()
    {
        var czech = Buyer.Of(gateway);
        czech.Client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("cs"));

        var page = await czech.StartAsync(InLanguage(Merchant.Purchase(), "pl"));

        page.Document.DocumentElement.GetAttribute("lang").ShouldBe("pl");
    }

    [Fact]
    public async Task Language_menu_changes_the_page_and_keeps_the_order_where_it_stood()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase("12.50", "EUR"));
        page.Heading.ShouldBe("Pay by card");

        var italian = await buyer.SubmitAsync(page, "Italiano");

        italian.Url.ShouldEndWith($"/order/{page.OrderId}");
        italian.Document.DocumentElement.GetAttribute("lang").ShouldBe("it");
        italian.Heading.ShouldBe("Paga con carta");
        // The order is the same: paying from the Italian page approves it.
        var paid = await buyer.SubmitAsync(italian, "Paga 12,50 EUR", new()
        {
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
        });
        paid.Document.DocumentElement.GetAttribute("lang").ShouldBe("it");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == page.OrderId))).ShouldBe(1);
    }

    [Fact]
    public async Task Language_menu_refuses_a_language_it_does_not_offer_and_changes_nothing()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(InLanguage(Merchant.Purchase(), "nl"));

        var token = page.Document.QuerySelector("form[data-language-menu] input[name=__RequestVerificationToken]").ShouldNotBeNull().GetAttribute("value")!;

        using var refused = await buyer.Client.PostAsync($"/order/{page.OrderId}/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["language"] = "tlh",
        }));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("en, de, fr, es, it, cs, nl, pl, ru");
        (await gateway.WithDbAsync(db => db.Orders.Where(o => o.Id == page.OrderId).Select(o => o.Language).SingleAsync())).ShouldBe("nl");
    }

    [Fact]
    public async Task Receipt_email_is_in_the_language_of_the_order()
    {
        var buyer = Buyer.Of(gateway);
        var purchase = InLanguage(Merchant.Purchase("9.99", "EUR"), "de");
        purchase["email"] = "jana@example.com";
        var page = await buyer.StartAsync(purchase);

        await buyer.SubmitAsync(page, "9,99 EUR bezahlen", new()
        {
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jana Buyer",
        });

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(Receipts().Any(r => r.Contains("To: jana@example.com", StringComparison.Ordinal))), "the receipt is written");
        var receipt = Receipts().Single(r => r.Contains("To: jana@example.com", StringComparison.Ordinal));
        receipt.ShouldContain("Subject: Ihre Zahlung an Demo Credits Shop");
        receipt.ShouldContain("Vielen Dank für Ihre Zahlung.");
        receipt.ShouldContain("Betrag:");
        receipt.ShouldContain("9,99 EUR");
        receipt.ShouldContain("Visa •••• 4242");
    }

    private List<string> Receipts()
    {
        var folder = Path.Combine(gateway.DataDirectory, "outbox");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.eml").Select(File.ReadAllText)] : [];
    }

    private static Dictionary<string, string> InLanguage(Dictionary<string, string> purchase, string language)
    {
        purchase["language"] = language;
        return purchase;
    }
}
