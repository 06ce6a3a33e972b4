using System.Globalization;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.BackOffice.Sales;

/// <summary>How the sales list is sorted.</summary>
public enum SalesSort
{
    Date,
    Amount,
    Result,
}

/// <summary>
/// The sales list's filters as typed into the query string (bookmarkable), and what they mean once
/// checked. A value that does not make sense gets a message for its field and filters nothing, so
/// that a typo never hides sales without saying so.
/// </summary>
public sealed class SalesFilter
{
    public const int PageSize = 25;

    /// <summary>The query string's names, shared by the form, the links and the CSV export.</summary>
    public static class Names
    {
        public const string Shop = "shop";
        public const string From = "from";
        public const string To = "to";
        public const string Result = "result";
        public const string CustomerNumber = "customerNumber";
        public const string ReferenceId = "referenceID";
        public const string MinAmount = "minAmount";
        public const string MaxAmount = "maxAmount";
        public const string Sort = "sort";
        public const string Direction = "dir";
        public const string Page = "page";
    }

    /// <summary>The filters a person types, in the form's order.</summary>
    public static readonly IReadOnlyList<string> FieldNames = [Names.Shop, Names.From, Names.To, Names.Result, Names.CustomerNumber, Names.ReferenceId, Names.MinAmount, Names.MaxAmount];

    /// <summary>Everything the query string carries: the filters, the order and the page.</summary>
    public static readonly IReadOnlyList<string> AllNames = [.. FieldNames, Names.Sort, Names.Direction, Names.Page];

    public static readonly IReadOnlyList<SaleResult> Results = [SaleResult.Approved, SaleResult.Declined, SaleResult.Refunded, SaleResult.Pending, SaleResult.Error];

    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    /// <summary>The values as typed, to show them again in the form (nothing typed is lost).</summary>
    public IReadOnlyDictionary<string, string?> Typed { get; private init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string> Errors => errors;

    public int? ShopId { get; private set; }

    /// <summary>The first UTC day included.</summary>
    public DateOnly? From { get; private set; }

    /// <summary>The last UTC day included.</summary>
    public DateOnly? To { get; private set; }

    public SaleResult? Result { get; private set; }

    public string? CustomerNumber { get; private set; }

    public string? ReferenceId { get; private set; }

    public decimal? MinAmount { get; private set; }

    public decimal? MaxAmount { get; private set; }

    public SalesSort Sort { get; private set; } = SalesSort.Date;

    public bool Ascending { get; private set; }

    public int Page { get; private set; } = 1;

    /// <summary>Start of <see cref="From"/>, inclusive, in UTC.</summary>
    public DateTime? FromTime => From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>Start of the day after <see cref="To"/>, exclusive, in UTC.</summary>
    public DateTime? UntilTime => To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public string? ErrorFor(string name) => errors.GetValueOrDefault(name);

    /// <summary>Reads the query string's values; <paramref name="ownShopIds"/> are the shops this person may see.</summary>
    public static SalesFilter Parse(Func<string, string?> query, IReadOnlyCollection<int> ownShopIds)
    {
        var typed = Shell.ListAddress.Typed(AllNames, query);

        var filter = new SalesFilter { Typed = typed };
        filter.ReadShop(typed[Names.Shop], ownShopIds);
        filter.ReadDates(typed[Names.From], typed[Names.To]);
        filter.ReadResult(typed[Names.Result]);
        filter.CustomerNumber = filter.ReadText(Names.CustomerNumber, typed[Names.CustomerNumber], 32, "A customer number");
        filter.ReferenceId = filter.ReadText(Names.ReferenceId, typed[Names.ReferenceId], 64, "A referenceID");
        filter.ReadAmounts(typed[Names.MinAmount], typed[Names.MaxAmount]);

        // Sorting and paging come from our own links: a mangled value just falls back to the default.
        filter.Sort = Enum.TryParse<SalesSort>(typed[Names.Sort], ignoreCase: true, out var sort) && Enum.IsDefined(sort) ? sort : SalesSort.Date;
        filter.Ascending = string.Equals(typed[Names.Direction], "asc", StringComparison.OrdinalIgnoreCase);
        filter.Page = Shell.ListAddress.PageNumber(typed[Names.Page]);
        return filter;
    }

    /// <summary>The query string for these filters with some values changed (null removes one), for links.</summary>
    public string QueryWith(params (string Name, string? Value)[] changes) => Shell.ListAddress.QueryWith(AllNames, Typed, changes);

    private void ReadShop(string? value, IReadOnlyCollection<int> ownShopIds)
    {
        if (value is null)
        {
            return;
        }

        // The same words for a shop that does not exist and one of another merchant: neither is revealed.
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var shopId) || !ownShopIds.Contains(shopId))
        {
            errors[Names.Shop] = "Choose one of your shops.";
            return;
        }

        ShopId = shopId;
    }

    private void ReadDates(string? from, string? to)
    {
        From = ReadDate(Names.From, from);
        To = ReadDate(Names.To, to);
        if (From is { } first && To is { } last && last < first)
        {
            errors[Names.To] = $"The end date is before the start date ({first:yyyy-MM-dd}): enter a date on or after it.";
            To = null;
        }
    }

    private DateOnly? ReadDate(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[name] = "Enter a date as YYYY-MM-DD, for example 2026-11-30.";
        return null;
    }

    private void ReadResult(string? value)
    {
        if (value is null)
        {
            return;
        }

        var match = Results.Where(r => string.Equals(r.ToString(), value, StringComparison.OrdinalIgnoreCase)).Cast<SaleResult?>().FirstOrDefault();
        if (match is null)
        {
            errors[Names.Result] = $"Choose one of: {string.Join(", ", Results)}.";
        }

        Result = match;
    }

    private string? ReadText(string name, string? value, int maxLength, string what)
    {
        if (value is not null && value.Length > maxLength)
        {
            errors[name] = $"{what} is at most {maxLength} characters.";
            return null;
        }

        return value;
    }

    private void ReadAmounts(string? min, string? max)
    {
        MinAmount = ReadAmount(Names.MinAmount, min);
        MaxAmount = ReadAmount(Names.MaxAmount, max);
        if (MinAmount is { } low && MaxAmount is { } high && high < low)
        {
            errors[Names.MaxAmount] = $"The largest amount is below the smallest ({low.ToString("0.00", CultureInfo.InvariantCulture)}): enter an amount at least as large.";
            MaxAmount = null;
        }
    }

    private decimal? ReadAmount(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount <= 1_000_000m)
        {
            return amount;
        }

        errors[name] = "Enter an amount such as 9.99: digits, with a point before the cents.";
        return null;
    }
}
