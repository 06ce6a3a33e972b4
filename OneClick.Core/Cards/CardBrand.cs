namespace OneClick.Core.Cards;

public enum CardBrand
{
    Unknown,
    Visa,
    Mastercard,
    Amex,
    Discover,
    Maestro,
    Jcb,
    DinersClub,
}

public static class CardBrandExtensions
{
    /// <summary>The name shown to a buyer, e.g. <c>Visa</c>.</summary>
    public static string DisplayName(this CardBrand brand) => brand switch
    {
        CardBrand.Amex => "American Express",
        CardBrand.Jcb => "JCB",
        CardBrand.DinersClub => "Diners Club",
        CardBrand.Unknown => "Card",
        _ => brand.ToString(),
    };

    /// <summary>The <c>CCBrand</c> value of the OK data, e.g. <c>VISA</c>.</summary>
    public static string ProtocolName(this CardBrand brand) => brand switch
    {
        CardBrand.Amex => "AMEX",
        CardBrand.DinersClub => "DINERS",
        _ => brand.ToString().ToUpperInvariant(),
    };

    public static int CvcLength(this CardBrand brand) => brand == CardBrand.Amex ? 4 : 3;
}
