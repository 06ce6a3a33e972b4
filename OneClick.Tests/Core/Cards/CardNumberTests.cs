using OneClick.Core.Cards;

namespace OneClick.Tests.Core.Cards;

public class CardNumberTests
{
    [Theory]
    [InlineData("4242 4242 4242 4242", CardBrand.Visa)]
    [InlineData("5555 5555 5555 4444", CardBrand.Mastercard)]
    [InlineData("3782 822463 10005", CardBrand.Amex)]
    [InlineData("4000 0000 0000 0002", CardBrand.Visa)]
    [InlineData("4000 0000 0000 9995", CardBrand.Visa)]
    [InlineData("4000 0000 0000 0127", CardBrand.Visa)]
    [InlineData("4000 0000 0000 0069", CardBrand.Visa)]
    [InlineData("4000 0000 0000 0119", CardBrand.Visa)]
    [InlineData("4000 0000 0000 0341", CardBrand.Visa)]
    [InlineData("4000 0027 6000 3184", CardBrand.Visa)]
    public void Parse_protocol_test_card_succeeds(string input, CardBrand brand)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeTrue(parse.Error);
        parse.Error.ShouldBeNull();
        parse.Brand.ShouldBe(brand);
        parse.Number!.Brand.ShouldBe(brand);
        parse.Number.Digits.ShouldBe(input.Replace(" ", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("4242424242424242", CardBrand.Visa)]
    [InlineData("4222222222222", CardBrand.Visa)]
    [InlineData("4242424242424242428", CardBrand.Visa)]
    [InlineData("5105105105105100", CardBrand.Mastercard)]
    [InlineData("2221000000000009", CardBrand.Mastercard)]
    [InlineData("2223003122003222", CardBrand.Mastercard)]
    [InlineData("2720990000000007", CardBrand.Mastercard)]
    [InlineData("371449635398431", CardBrand.Amex)]
    [InlineData("6011111111111117", CardBrand.Discover)]
    [InlineData("6500000000000002", CardBrand.Discover)]
    [InlineData("6440000000000005", CardBrand.Discover)]
    [InlineData("3530111333300000", CardBrand.Jcb)]
    [InlineData("36227206271667", CardBrand.DinersClub)]
    [InlineData("30569309025904", CardBrand.DinersClub)]
    [InlineData("300000000000007", CardBrand.DinersClub)]
    [InlineData("6759649826438453", CardBrand.Maestro)]
    [InlineData("675964982648", CardBrand.Maestro)]
    public void Parse_valid_number_detects_brand(string input, CardBrand brand)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeTrue(parse.Error);
        parse.Brand.ShouldBe(brand);
    }

    [Theory]
    [InlineData("4", CardBrand.Visa)]
    [InlineData("4000", CardBrand.Visa)]
    [InlineData("51", CardBrand.Mastercard)]
    [InlineData("55", CardBrand.Mastercard)]
    [InlineData("2221000000000000", CardBrand.Mastercard)]
    [InlineData("2500000000000000", CardBrand.Mastercard)]
    [InlineData("2720990000000000", CardBrand.Mastercard)]
    [InlineData("2220990000000000", CardBrand.Unknown)]
    [InlineData("2721000000000000", CardBrand.Unknown)]
    [InlineData("50", CardBrand.Maestro)]
    [InlineData("56", CardBrand.Maestro)]
    [InlineData("5018", CardBrand.Maestro)]
    [InlineData("6304", CardBrand.Maestro)]
    [InlineData("6759", CardBrand.Maestro)]
    [InlineData("34", CardBrand.Amex)]
    [InlineData("37", CardBrand.Amex)]
    [InlineData("35", CardBrand.Unknown)]
    [InlineData("6011", CardBrand.Discover)]
    [InlineData("65", CardBrand.Discover)]
    [InlineData("644", CardBrand.Discover)]
    [InlineData("649", CardBrand.Discover)]
    [InlineData("3528", CardBrand.Jcb)]
    [InlineData("3589", CardBrand.Jcb)]
    [InlineData("3527", CardBrand.Unknown)]
    [InlineData("3590", CardBrand.Unknown)]
    [InlineData("300", CardBrand.DinersClub)]
    [InlineData("305", CardBrand.DinersClub)]
    [InlineData("306", CardBrand.Unknown)]
    [InlineData("36", CardBrand.DinersClub)]
    [InlineData("38", CardBrand.DinersClub)]
    [InlineData("39", CardBrand.DinersClub)]
    [InlineData("1234567890123456", CardBrand.Unknown)]
    [InlineData("9999", CardBrand.Unknown)]
    [InlineData("", CardBrand.Unknown)]
    [InlineData("42a", CardBrand.Unknown)]
    [InlineData("4242 4242", CardBrand.Unknown)]
    public void DetectBrand_from_leading_digits(string digits, CardBrand brand)
    {
        CardNumber.DetectBrand(digits).ShouldBe(brand);
    }

    [Theory]
    [InlineData("4242-4242-4242-4242")]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("  4242 4242 4242 4242  ")]
    [InlineData("4242 - 4242 - 4242 - 4242")]
    [InlineData("4242424242424242")]
    public void Parse_with_spaces_or_dashes_succeeds(string input)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeTrue(parse.Error);
        parse.Number!.Digits.ShouldBe("4242424242424242");
    }

    [Theory]
    [InlineData("4242 4242 4242 424a")]
    [InlineData("4242.4242.4242.4242")]
    [InlineData("4242/4242/4242/4242")]
    [InlineData("4242\t4242\t4242\t4242")]
    [InlineData("+4242424242424242")]
    [InlineData("４２４２４２４２４２４２４２４２")]
    [InlineData("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢")]
    [InlineData("card 4242424242424242")]
    public void Parse_with_other_characters_fails(string input)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeFalse();
        parse.Number.ShouldBeNull();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_empty_fails_asking_for_number(string? input)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeFalse();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("4242424242424241", CardBrand.Visa)]
    [InlineData("4242424242424243", CardBrand.Visa)]
    [InlineData("5555555555554443", CardBrand.Mastercard)]
    [InlineData("378282246310006", CardBrand.Amex)]
    [InlineData("4000002760003185", CardBrand.Visa)]
    public void Parse_failing_luhn_fails_and_keeps_brand(string input, CardBrand brand)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeFalse();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
        parse.Brand.ShouldBe(brand);
    }

    [Theory]
    [InlineData("42424242424")]
    [InlineData("424242424242")]
    [InlineData("424242424242424")]
    [InlineData("42424242424242424")]
    [InlineData("42424242424242424242")]
    [InlineData("3782822463100050")]
    [InlineData("37828224631000")]
    [InlineData("51051051051051")]
    [InlineData("55555555555544440")]
    [InlineData("3622720627166")]
    [InlineData("60111111111")]
    [InlineData("60111111111111111117")]
    [InlineData("- - - -")]
    public void Parse_with_wrong_length_for_brand_fails(string input)
    {
        var parse = CardNumber.Parse(input);

        parse.IsValid.ShouldBeFalse();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Parse_too_short_reports_length_not_luhn()
    {
        // 15 digits of a Luhn-valid Visa prefix: the buyer missed a digit.
        var parse = CardNumber.Parse("424242424242424");

        parse.Error.ShouldNotBeNull();
        parse.Error.ShouldContain("short");
    }

    [Theory]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("4242424242424242", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("0", true)]
    [InlineData("18", true)]
    [InlineData("81", false)]
    [InlineData("", false)]
    public void PassesLuhn_checks_the_mod_10_sum(string digits, bool expected)
    {
        CardNumber.PassesLuhn(digits).ShouldBe(expected);
    }

    [Theory]
    [InlineData("4242424242424242", "424242XXXXXX4242")]
    [InlineData("378282246310005", "378282XXXXX0005")]
    [InlineData("5555555555554444", "555555XXXXXX4444")]
    [InlineData("36227206271667", "362272XXXX1667")]
    [InlineData("4222222222222", "422222XXX2222")]
    [InlineData("4242424242424242428", "424242XXXXXXXXX2428")]
    [InlineData("675964982648", "675964XX2648")]
    public void Truncated_is_bin_then_x_then_last_four(string input, string truncated)
    {
        var card = CoreTestData.Card(input);

        card.Truncated.ShouldBe(truncated);
        card.Truncated.Length.ShouldBe(input.Length);
        card.Bin.ShouldBe(input[..6]);
        card.LastFour.ShouldBe(input[^4..]);
    }

    [Theory]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("3782 822463 10005")]
    [InlineData("4000 0027 6000 3184")]
    public void ToString_never_contains_full_number(string input)
    {
        var parse = CardNumber.Parse(input);
        var card = parse.Number!;

        card.ToString().ShouldBe(card.Truncated);
        $"{card}".ShouldNotContain(card.Digits);
        parse.ToString().ShouldNotContain(card.Digits);
    }
}
