using System.Globalization;
using OneClick.Core;

namespace OneClick.Tests.Core;

public class MoneyTests
{
    [Theory]
    [InlineData("9.99", "9.99")]
    [InlineData("9.9", "9.90")]
    [InlineData("10", "10.00")]
    [InlineData("0.01", "0.01")]
    [InlineData("1000000", "1000000.00")]
    public void AmountText_has_two_decimals_and_a_point(string amount, string text)
    {
        new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), "USD").AmountText.ShouldBe(text);
    }

    [Fact]
    public void AmountText_ignores_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");

            new Money(1234.5m, "EUR").AmountText.ShouldBe("1234.50");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void ToString_is_amount_and_currency()
    {
        new Money(9.99m, "USD").ToString().ShouldBe("9.99 USD");
    }

    [Fact]
    public void Equal_amounts_of_different_scale_are_equal()
    {
        new Money(9.9m, "USD").ShouldBe(new Money(9.90m, "USD"));
        new Money(9.9m, "USD").ShouldNotBe(new Money(9.9m, "EUR"));
    }
}
