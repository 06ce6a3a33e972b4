namespace OneClick.Core.Cards;

/// <summary>
/// The card verification code: held only for the acquirer call, never stored, logged or put in a URL.
/// <see cref="ToString"/> hides it.
/// </summary>
public sealed class Cvc
{
    private Cvc(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => "***";

    public static (Cvc? Cvc, string? Error) Parse(string? input, CardBrand brand)
    {
        var expected = brand.CvcLength();
        var value = input?.Trim() ?? "";
        if (value.Length == 0)
        {
            return (null, "Enter the security code (CVC) from the back of the card.");
        }

        if (!value.All(char.IsAsciiDigit) || value.Length != expected)
        {
            return (null, brand == CardBrand.Amex
                ? "The CVC of an American Express card is the 4 digits on its front."
                : $"The CVC is the {expected} digits on the back of the card.");
        }

        return (new Cvc(value), null);
    }
}
