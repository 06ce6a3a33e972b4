using OneClick.Core.Cards;

namespace OneClick.Tests.Core.Cards;

public class CardBrandTests
{
    [Theory]
    [InlineData(CardBrand.Visa, "VISA")]
    [InlineData(CardBrand.Mastercard, "MASTERCARD")]
    [InlineData(CardBrand.Amex, "AMEX")]
    [InlineData(CardBrand.Discover, "DISCOVER")]
    [InlineData(CardBrand.Maestro, "MAESTRO")]
    [InlineData(CardBrand.Jcb, "JCB")]
    [InlineData(CardBrand.DinersClub, "DINERS")]
    [InlineData(CardBrand.Unknown, "UNKNOWN")]
    public void ProtocolName_is_the_ccbrand_value(CardBrand brand, string name)
    {
        brand.ProtocolName().ShouldBe(name);
    }

    [Theory]
    [InlineData(CardBrand.Visa, "Visa")]
    [InlineData(CardBrand.Mastercard, "Mastercard")]
    [InlineData(CardBrand.Amex, "American Express")]
    [InlineData(CardBrand.Discover, "Discover")]
    [InlineData(CardBrand.Maestro, "Maestro")]
    [InlineData(CardBrand.Jcb, "JCB")]
    [InlineData(CardBrand.DinersClub, "Diners Club")]
    [InlineData(CardBrand.Unknown, "Card")]
    public void DisplayName_is_the_buyer_facing_name(CardBrand brand, string name)
    {
        brand.DisplayName().ShouldBe(name);
    }

    [Fact]
    public void CvcLength_is_four_for_amex_only()
    {
        foreach (var brand in Enum.GetValues<CardBrand>())
        {
            brand.CvcLength().ShouldBe(brand == CardBrand.Amex ? 4 : 3, brand.ToString());
        }
    }
}
