namespace OneClick.Core.Cards;

/// <summary>
/// A primary account number that passed the format and Luhn checks. It never prints itself:
/// <see cref="ToString"/> gives the masked form, so a PAN cannot slip into a log by accident.
/// </summary>
public sealed class CardNumber
{
    private readonly string digits;

    private CardNumber(string digits, CardBrand brand)
    {
        this.digits = digits;
        Brand = brand;
    }

    public CardBrand Brand { get; }

    /// <summary>The first six digits: the issuer identification number.</summary>
    public string Bin => digits[..6];

    public string LastFour => digits[^4..];

    /// <summary>BIN and last four with the middle hidden, e.g. <c>424242XXXXXX4242</c> (OK data <c>truncatedPAN</c>).</summary>
    public string Truncated => Bin + new string('X', digits.Length - 10) + LastFour;

    /// <summary>The digits, for the acquirer call only.</summary>
    public string Digits => digits;

    public override string ToString() => Truncated;

    /// <summary>Reads a card number as a buyer types it: digits with optional spaces or dashes.</summary>
    public static CardNumberParse Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return CardNumberParse.Fail("Enter the card number.");
        }

        var digits = new char[input.Length];
        var count = 0;
        foreach (var c in input)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[count++] = c;
            }
            else if (c is not (' ' or '-'))
            {
                return CardNumberParse.Fail("The card number may contain only digits and spaces.");
            }
        }

        var number = new string(digits, 0, count);
        var brand = DetectBrand(number);
        if (count < 12 || count > 19 || !ValidLength(brand, count))
        {
            return CardNumberParse.Fail("The card number is too short or too long: check that you typed every digit.", brand);
        }

        if (!PassesLuhn(number))
        {
            return CardNumberParse.Fail("This card number is not valid: check it for typing errors.", brand);
        }

        return new CardNumberParse(new CardNumber(number, brand), brand, null);
    }

    /// <summary>The brand recognised from the leading digits, even of an incomplete number.</summary>
    public static CardBrand DetectBrand(string digits)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return CardBrand.Unknown;
        }

        int Prefix(int length) => digits.Length >= length ? int.Parse(digits.AsSpan(0, length), System.Globalization.CultureInfo.InvariantCulture) : -1;

        var p2 = Prefix(2);
        var p3 = Prefix(3);
        var p4 = Prefix(4);
        var p6 = Prefix(6);

        if (p2 is 34 or 37)
        {
            return CardBrand.Amex;
        }

        if (p2 is 36 or 38 or 39 || p3 is >= 300 and <= 305)
        {
            return CardBrand.DinersClub;
        }

        if (p4 is >= 3528 and <= 3589)
        {
            return CardBrand.Jcb;
        }

        if (p2 is >= 51 and <= 55 || p6 is >= 222100 and <= 272099)
        {
            return CardBrand.Mastercard;
        }

        if (p4 == 6011 || p2 == 65 || p3 is >= 644 and <= 649)
        {
            return CardBrand.Discover;
        }

        if (p2 is 50 or (>= 56 and <= 69))
        {
            return CardBrand.Maestro;
        }

        return digits[0] == '4' ? CardBrand.Visa : CardBrand.Unknown;
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }

    private static bool ValidLength(CardBrand brand, int length) => brand switch
    {
        CardBrand.Amex => length == 15,
        CardBrand.Visa => length is 13 or 16 or 19,
        CardBrand.Mastercard => length == 16,
        CardBrand.DinersClub => length is >= 14 and <= 19,
        _ => true,
    };
}

public sealed record CardNumberParse(CardNumber? Number, CardBrand Brand, string? Error)
{
    public bool IsValid => Number is not null;

    internal static CardNumberParse Fail(string error, CardBrand brand = CardBrand.Unknown) => new(null, brand, error);
}
