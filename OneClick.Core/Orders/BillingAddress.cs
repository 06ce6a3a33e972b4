using System.Globalization;

namespace OneClick.Core.Orders;

/// <summary>
/// The buyer's billing address, asked for where the shop requires one (docs/protocol.md section 4 rule 3:
/// then an instant one-click shows the order page instead). Never a place for card data: a field
/// with as many digits as a card number is refused.
/// </summary>
public sealed record BillingAddress(string Street, string PostalCode, string City, string Country)
{
    /// <summary>Checks the posted fields; the errors are keyed by field (street, postal, city, country).</summary>
    public static (BillingAddress? Address, Dictionary<string, string> Errors) Parse(string? street, string? postalCode, string? city, string? country)
    {
        var errors = new Dictionary<string, string>();
        var s = Text(street, 100, maxDigits: 8, "street", "Enter the street and house number.", errors);
        var p = postalCode?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(p))
        {
            errors["postal"] = "Enter the postal code.";
        }
        else if (p.Length > 12 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-'))
        {
            errors["postal"] = "A postal code is at most 12 letters, digits, spaces and dashes.";
        }
        else if (p.Count(char.IsAsciiDigit) > 10)
        {
            // No postal code has that many digits; a short card number does.
            errors["postal"] = "This does not look like a postal code.";
        }

        var c = Text(city, 60, maxDigits: 0, "city", "Enter the city.", errors);
        var code = country?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code))
        {
            errors["country"] = "Choose the country.";
        }
        else if (!IsCountryCode(code))
        {
            errors["country"] = "Choose the country from the list (a two-letter ISO code such as DE).";
        }

        return errors.Count == 0 ? (new BillingAddress(s!, p!, c!, code!), errors) : (null, errors);
    }

    /// <summary>The countries the order page lists, by English name.</summary>
    public static IReadOnlyList<(string Code, string Name)> Countries { get; } = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(culture => TryRegion(culture.Name))
        .OfType<RegionInfo>()
        .Where(region => region.TwoLetterISORegionName.Length == 2 && region.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
        .DistinctBy(region => region.TwoLetterISORegionName)
        .Select(region => (region.TwoLetterISORegionName, region.EnglishName))
        .OrderBy(region => region.EnglishName, StringComparer.Ordinal)
        .ToList();

    public static bool IsCountryCode(string code) => Countries.Any(c => c.Code == code);

    private static RegionInfo? TryRegion(string cultureName)
    {
        try
        {
            return new RegionInfo(cultureName);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? Text(string? input, int maxLength, int maxDigits, string field, string missing, Dictionary<string, string> errors)
    {
        var value = input?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            errors[field] = missing;
        }
        else if (value.Length > maxLength)
        {
            errors[field] = $"At most {maxLength} characters.";
        }
        else if (value.Any(char.IsControl) || value.Count(char.IsAsciiDigit) > maxDigits)
        {
            // Many digits here are most often a card number typed into the wrong field: never keep it.
            errors[field] = maxDigits == 0 ? "Enter the name of the city, without digits." : "This does not look like a street address: enter the street and house number.";
        }
        else
        {
            return value;
        }

        return null;
    }
}
