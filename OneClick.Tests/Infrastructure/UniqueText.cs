namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Unique text for test data that the gateway stores or shows (e-mail addresses, referenceIDs), in
/// letters only. A GUID's digits, next to a number or a dash, once made a run of 14 that passed Luhn,
/// and the card-data sweep rightly took it for a PAN.
/// </summary>
public static class UniqueText
{
    public static string Letters() =>
        string.Concat(Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));
}
