using System.Globalization;
using OneClick.Core;

namespace OneClick.Web.Features.Checkout.Localization;

/// <summary>Amounts and times as the buyer's language writes them, the same on every page and e-mail.</summary>
public static class BuyerFormat
{
    /// <summary><c>9,99 EUR</c> in German: the language's decimal mark, the ISO code the merchant sent.</summary>
    public static string Amount(Money price) => price.ToString(CultureInfo.CurrentCulture);

    /// <summary>A UTC time on the 24-hour clock, which goes with "UTC" in every language.</summary>
    public static string Time(DateTime utc) => utc.ToString("HH:mm", CultureInfo.CurrentCulture);

    /// <summary>A UTC date written out as the language writes it ("7. Dezember 2026"), then its <see cref="Time"/>.</summary>
    public static string DateAndTime(DateTime utc) => $"{utc.ToString("D", CultureInfo.CurrentCulture)} {Time(utc)}";
}
