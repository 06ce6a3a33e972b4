using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

/// <summary>What amount may cap a customer's one-click turnover: the back-office and the entity ask the same rule.</summary>
public sealed class TurnoverLimitCapTests
{
    [Theory]
    [InlineData("0.01")]
    [InlineData("500")]
    [InlineData("500.5")]
    [InlineData("1000000000.00")]
    public void IsValidCap_of_a_positive_amount_up_to_a_billion_with_two_decimals_is_true(string amount) =>
        TurnoverLimit.IsValidCap(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeTrue();

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("0.001")]
    [InlineData("100.005")]
    [InlineData("1000000000.01")]
    public void IsValidCap_of_zero_a_third_decimal_or_above_a_billion_is_false(string amount) =>
        TurnoverLimit.IsValidCap(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeFalse();

    [Fact]
    public void New_limit_above_a_billion_is_refused()
    {
        Should.Throw<ArgumentException>(() => new TurnoverLimit("EUR", 1_000_000_000.01m, null));
        Should.Throw<ArgumentException>(() => new TurnoverLimit("EUR", null, 1_000_000_000.01m));
        new TurnoverLimit("EUR", 1_000_000_000m, 1_000_000_000m).PerWeek.ShouldBe(1_000_000_000m);
    }
}
