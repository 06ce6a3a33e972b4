using System.Text;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// The detector of the whole-suite sweep finds what it must (a planted PAN in every encoding, a
/// planted CVC in every context) and flags nothing that is allowed (masked numbers, ids, dates).
/// </summary>
public sealed class CardDataDetectorTests
{
    private const string Pan = "4242424242424242";

    public static TheoryData<string, string> PlantedPans => new()
    {
        { "plain", $"<p>Card {Pan} charged</p>" },
        { "spaced", "card=4242 4242 4242 4242&x=1" },
        { "dashed", "number: 4242-4242-4242-4242." },
        { "no-break spaces", "4242\u00A04242\u00A04242\u00A04242" },
        { "form-encoded", "cardNumber=4242+4242+4242+4242&cvc=" },
        { "percent-encoded spaces", "cardNumber=4242%204242%204242%204242" },
        { "percent-encoded digits", "q=%34%32%34%32%34%32%34%32%34%32%34%32%34%32%34%32" },
        { "JSON", $"{{\"pan\":\"{Pan}\",\"amount\":9.99}}" },
        { "JSON-escaped digits", "{\"pan\":\"\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\\u0034\\u0032\"}" },
        { "JSON-escaped spaces", "\"4242\\u00204242\\u00204242\\u00204242\"" },
        { "HTML character references", "&#52;&#50;&#52;&#50;&#x34;&#x32;&#52;&#50;&#52;&#50;&#52;&#50;&#52;&#50;&#52;&#50;" },
        { "HTML no-break spaces", "4242&nbsp;4242&nbsp;4242&nbsp;4242" },
        { "glued to a database record's other columns", $"VISA{Pan}Jane Buyer" },
        { "Amex grouping", "3782 822463 10005" },
        { "inside a longer run of digits", "9" + Pan + "1" },
    };

    [Theory]
    [MemberData(nameof(PlantedPans))]
    public void Planted_test_card_is_found_in_text_and_in_utf8_bytes(string encoding, string text)
    {
        Found(CardDataDetector.ScanText(text), encoding).Kind.ShouldStartWith("PAN (test card");
        Found(CardDataDetector.ScanBytes(Encoding.UTF8.GetBytes(text), utf16: false), encoding).Kind.ShouldStartWith("PAN (test card");
    }

    [Theory]
    [InlineData("UTF-16LE", 0)]
    [InlineData("UTF-16LE", 1)]
    [InlineData("UTF-16BE", 0)]
    [InlineData("UTF-16BE", 1)]
    public void Planted_test_card_is_found_in_utf16_bytes_at_any_alignment(string encoding, int padding)
    {
        var text = Encoding.GetEncoding(encoding == "UTF-16LE" ? "utf-16" : "utf-16BE").GetBytes($"holder Jane, card {Pan}, exp 12/30");
        var bytes = new byte[padding].Concat(text).Concat(new byte[] { 0, 7, 1 }).ToArray();

        Found(CardDataDetector.ScanBytes(bytes, utf16: true), encoding).Kind.ShouldStartWith("PAN (test card");
        CardDataDetector.ScanBytes(bytes, utf16: false).ShouldBeEmpty("UTF-16 is read only when asked for");
    }

    [Theory]
    [InlineData("4012888888881881", "Visa")]
    [InlineData("5200 8282 8282 8210", "Mastercard")]
    [InlineData("6011-0009-9013-9424", "Discover")]
    [InlineData("3787 344936 71000", "Amex")]
    [InlineData("Order 12 4012 8888 8888 1881", "Visa")]
    [InlineData("card 2399999999999996 on file", "Mastercard")] // the digits of a metrics float, written as a number on its own
    public void Unknown_luhn_valid_number_with_a_brand_prefix_is_found(string text, string brand)
    {
        var finding = Found(CardDataDetector.ScanText(text), text);

        finding.Kind.ShouldStartWith($"PAN ({brand}, Luhn-valid");
    }

    [Theory]
    [InlineData("truncatedPAN=424242XXXXXX4242")]
    [InlineData("Visa •••• 4242, expires 12/30")]
    [InlineData("4242 42•• •••• 4242")]
    [InlineData("4242424242424241")] // fails the Luhn check
    [InlineData("1234567812345670")] // Luhn-valid, but no card brand starts with 1
    [InlineData("Sale 1767225600000 at 639012345678901234 ticks")] // Unix milliseconds, .NET ticks
    [InlineData("2026-03-14 12:00:00.1234567 +00:00, 2026-03-14 2026-03-15")]
    [InlineData("order 40128888-8888-1881-4012-888888881881")] // a GUID made of digits
    [InlineData("sha256=a4012888888881881f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988")]
    [InlineData("key: Q2hhbmdlTWU4012888888881881AbCdEfGhIjKlMnOp")] // base64
    [InlineData("amount 4012888888.88 EUR, phone +49 30 1234567")]
    [InlineData("oneclick_payment_duration_seconds_sum{result=\"approved\"} 1.2399999999999996E-05")] // a metrics page's float
    public void Masked_numbers_ids_and_dates_are_not_findings(string text)
    {
        CardDataDetector.ScanText(text).ShouldBeEmpty();
    }

    [Fact]
    public void A_finding_never_shows_the_full_number()
    {
        var findings = CardDataDetector.ScanText($"near 4012888888881881 and {Pan} and 5555 5555 5555 4444 there");

        findings.Count.ShouldBe(3);
        foreach (var finding in findings)
        {
            var shown = finding.Kind + finding.Excerpt;
            shown.ShouldNotContain("4012888888881881");
            shown.ShouldNotContain(Pan);
            shown.ShouldNotContain("5555 5555 5555 4444");
            shown.ShouldNotContain("55555555");
        }

        findings[0].Excerpt.ShouldBe("near [401288XXXXXX1881] and ################ an");
    }

    public static TheoryData<string, string> PlantedCvcs => new()
    {
        { "URL query", "/order/abc/pay?holder=Jane&cvc=731&x=1" },
        { "structured log value", "Information OneClick.Checkout: Paying OrderId=42 Cvc=731 Brand=Visa" },
        { "log text", "card checked, CVV: 731" },
        { "JSON", "{\"number\":\"4242\",\"cvc\":\"731\"}" },
        { "JSON number", "{\"securityCode\": 7315}" },
        { "JSON in a JSON string", "\"body\":\"{\\\"cvv\\\":\\\"731\\\"}\"" },
        { "percent-encoded JSON", "data=%7B%22cvc%22%3A%22731%22%7D" },
        { "form echo, name first", "<input id=\"card-cvc\" name=\"Card.Cvc\" class=\"form-control\" value=\"731\" />" },
        { "form echo, value first", "<input value='7315' type=text name=Saved.Cvc>" },
        { "form echo by id", "<input id=\"security-code\" value=\"731\">" },
        { "database column", "Sales: Id=3\nCvc=731\nAmount=9.99" },
        { "card verification value", "card_verification_value=731" },
    };

    [Theory]
    [MemberData(nameof(PlantedCvcs))]
    public void Planted_cvc_is_found_in_its_context(string context, string text)
    {
        var finding = Found(CardDataDetector.ScanText(text), context);

        finding.Kind.ShouldBe("CVC");
        finding.Excerpt.ShouldContain("***");
        finding.Excerpt.ShouldNotContain("731");
        Found(CardDataDetector.ScanBytes(Encoding.UTF8.GetBytes(text), utf16: false), context).Kind.ShouldBe("CVC");
        Found(CardDataDetector.ScanBytes(Encoding.Unicode.GetBytes(text), utf16: true), context + " in UTF-16").Kind.ShouldBe("CVC");
    }

    [Theory]
    [InlineData("<input id=\"card-cvc\" name=\"Card.Cvc\" class=\"form-control\" value=\"\" maxlength=\"4\" />")]
    [InlineData("<label for=\"saved-cvc\" class=\"form-label\">CVC</label>")]
    [InlineData("The CVC is the 3 digits on the back of the card.")]
    [InlineData("Declined Reason=IncorrectCvc SaleId=1234")]
    [InlineData("CvcLockedUntil=2026-03-14 12:00:00\nCvcFailures=3")]
    [InlineData("cvc=12 is too short")]
    [InlineData("autocomplete=\"cc-csc\" maxlength=\"4\"")]
    public void Cvc_fields_and_words_without_a_value_are_not_findings(string text)
    {
        CardDataDetector.ScanText(text).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Cvc", true)]
    [InlineData("SecurityCode", true)]
    [InlineData("card_verification_value", true)]
    [InlineData("CvvHash", true)]
    [InlineData("CardId", false)]
    [InlineData("Last4", false)]
    public void Database_column_names_that_suggest_a_cvc_are_recognised(string column, bool cvc)
    {
        CardDataDetector.IsCvcName(column).ShouldBe(cvc);
    }

    private static CardDataFinding Found(List<CardDataFinding> findings, string what)
    {
        findings.Count.ShouldBe(1, $"{what}: {string.Join("; ", findings.Select(f => f.Kind + " " + f.Excerpt))}");
        return findings[0];
    }
}
