using System.Globalization;

namespace OneClick.Core;

/// <summary>An amount with its currency. Amounts are decimals with at most two places.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    /// <summary>The protocol's form of the amount: <c>.</c> separator, two decimals, e.g. <c>9.99</c>.</summary>
    public string AmountText => Amount.ToString("0.00", CultureInfo.InvariantCulture);

    public override string ToString() => $"{AmountText} {Currency}";

    /// <summary>The amount as <paramref name="culture"/> writes it (<c>9,99 EUR</c> in German), with the ISO code.</summary>
    public string ToString(IFormatProvider culture) => $"{Amount.ToString("0.00", culture)} {Currency}";
}
