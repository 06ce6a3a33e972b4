using System.Globalization;
using System.Text.RegularExpressions;

namespace OneClick.Core.Cards;

/// <summary>A card's expiry month; the card is valid through the last day of that month.</summary>
public readonly partial record struct CardExpiry(int Year, int Month)
{
    public bool IsExpiredAt(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return Year < utc.Year || (Year == utc.Year && Month < utc.Month);
    }

    public override string ToString() => $"{Month:00}/{Year % 100:00}";

    /// <summary>Reads <c>MM/YY</c> (also <c>MM / YY</c>, <c>MMYY</c> and <c>MM/YYYY</c>).</summary>
    public static CardExpiryParse Parse(string? input, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return new(null, "Enter the expiry date as MM/YY.");
        }

        var match = ExpiryPattern().Match(input.Trim());
        if (!match.Success)
        {
            return new(null, "Enter the expiry date as MM/YY, for example 08/29.");
        }

        var month = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var year = int.Parse(match.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year < 100)
        {
            year += 2000;
        }

        if (month is < 1 or > 12)
        {
            return new(null, "The month of the expiry date must be from 01 to 12.");
        }

        var expiry = new CardExpiry(year, month);
        if (expiry.IsExpiredAt(now))
        {
            return new(null, "This card has expired: use a card with a future expiry date.");
        }

        if (year > now.UtcDateTime.Year + 20)
        {
            return new(null, "The expiry date is too far in the future: check the year.");
        }

        return new(expiry, null);
    }

    [GeneratedRegex(@"^(?<m>[0-9]{1,2}) *[/\-]? *(?<y>[0-9]{2}|[0-9]{4})\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ExpiryPattern();
}

public sealed record CardExpiryParse(CardExpiry? Expiry, string? Error);
