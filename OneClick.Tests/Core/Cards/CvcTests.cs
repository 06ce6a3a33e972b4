using OneClick.Core.Cards;

namespace OneClick.Tests.Core.Cards;

public class CvcTests
{
    [Theory]
    [InlineData("123", CardBrand.Visa)]
    [InlineData("000", CardBrand.Visa)]
    [InlineData("999", CardBrand.Mastercard)]
    [InlineData("123", CardBrand.Discover)]
    [InlineData("123", CardBrand.Jcb)]
    [InlineData("123", CardBrand.DinersClub)]
    [InlineData("123", CardBrand.Maestro)]
    [InlineData("123", CardBrand.Unknown)]
    [InlineData("1234", CardBrand.Amex)]
    [InlineData("0000", CardBrand.Amex)]
    public void Parse_right_number_of_digits_succeeds(string input, CardBrand brand)
    {
        var (cvc, error) = Cvc.Parse(input, brand);

        error.ShouldBeNull();
        cvc.ShouldNotBeNull();
        cvc.Value.ShouldBe(input);
    }

    [Fact]
    public void Parse_trims_surrounding_space()
    {
        Cvc.Parse(" 123 ", CardBrand.Visa).Cvc!.Value.ShouldBe("123");
    }

    [Theory]
    [InlineData("12", CardBrand.Visa)]
    [InlineData("1234", CardBrand.Visa)]
    [InlineData("1234", CardBrand.Mastercard)]
    [InlineData("1234", CardBrand.Unknown)]
    [InlineData("123", CardBrand.Amex)]
    [InlineData("12345", CardBrand.Amex)]
    public void Parse_wrong_length_for_brand_fails(string input, CardBrand brand)
    {
        var (cvc, error) = Cvc.Parse(input, brand);

        cvc.ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Parse_amex_with_three_digit_cvc_fails_naming_four_digits()
    {
        var (cvc, error) = Cvc.Parse("123", CardBrand.Amex);

        cvc.ShouldBeNull();
        error.ShouldNotBeNull();
        error.ShouldContain("4 digits");
    }

    [Fact]
    public void Parse_visa_with_four_digit_cvc_fails_naming_three_digits()
    {
        var (_, error) = Cvc.Parse("1234", CardBrand.Visa);

        error.ShouldNotBeNull();
        error.ShouldContain("3 digits");
    }

    [Theory]
    [InlineData("12a", CardBrand.Visa)]
    [InlineData("abc", CardBrand.Visa)]
    [InlineData("1 3", CardBrand.Visa)]
    [InlineData("-12", CardBrand.Visa)]
    [InlineData("１２３", CardBrand.Visa)]
    [InlineData("٣٢١", CardBrand.Visa)]
    [InlineData("123a", CardBrand.Amex)]
    [InlineData("12.4", CardBrand.Amex)]
    public void Parse_with_non_digits_fails(string input, CardBrand brand)
    {
        var (cvc, error) = Cvc.Parse(input, brand);

        cvc.ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_empty_fails(string? input)
    {
        var (cvc, error) = Cvc.Parse(input, CardBrand.Visa);

        cvc.ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("123", CardBrand.Visa)]
    [InlineData("4321", CardBrand.Amex)]
    public void ToString_hides_the_value(string input, CardBrand brand)
    {
        var cvc = Cvc.Parse(input, brand).Cvc!;

        cvc.ToString().ShouldBe("***");
        $"{cvc}".ShouldNotContain(input);
    }
}
