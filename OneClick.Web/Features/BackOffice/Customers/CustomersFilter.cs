using OneClick.Core.Customers;
using OneClick.Web.Features.BackOffice.Customers.Queries;

namespace OneClick.Web.Features.BackOffice.Customers;

/// <summary>
/// The customer list's search as the query string carries it (so that a view can be bookmarked and
/// shared), and what it means once checked. A value that makes no sense gets a message for its field
/// and is kept as typed, so that a typo never hides customers without saying so.
/// </summary>
public sealed class CustomersFilter
{
    /// <summary>The query string's names.</summary>
    public static class Names
    {
        public const string Number = "q";
        public const string Status = "status";
        public const string Sort = "sort";
        public const string Direction = "dir";
        public const string Page = "page";
    }

    /// <summary>Everything the query string carries: the search, the order and the page.</summary>
    public static readonly IReadOnlyList<string> AllNames = [Names.Number, Names.Status, Names.Sort, Names.Direction, Names.Page];

    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    /// <summary>The values as typed, to show them again (nothing typed is lost).</summary>
    public IReadOnlyDictionary<string, string?> Typed { get; private init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string> Errors => errors;

    /// <summary>The search for the query; null when the customer number typed cannot match anyone.</summary>
    public CustomerListFilter? Search { get; private set; }

    public CustomerSort Sort { get; private set; }

    public bool Descending { get; private set; }

    public string? ErrorFor(string name) => errors.GetValueOrDefault(name);

    public static CustomersFilter Parse(Func<string, string?> query)
    {
        var typed = Shell.ListAddress.Typed(AllNames, query);

        var filter = new CustomersFilter { Typed = typed };
        var number = typed[Names.Number];
        if (number is not null && !Customer.IsValidNumber(number))
        {
            filter.errors[Names.Number] = "A customer number has 1 to 32 letters, digits, '.', '_' or '-': no customer matches this.";
        }

        CustomerStatus? status = null;
        if (typed[Names.Status] is { } statusText)
        {
            if (Enum.TryParse<CustomerStatus>(statusText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(statusText, out _))
            {
                status = parsed;
            }
            else
            {
                filter.errors[Names.Status] = "Choose New, Member or Deny (or any status).";
            }
        }

        // Sorting and paging come from the grid: a mangled value just falls back to the default.
        filter.Sort = typed[Names.Sort]?.ToLowerInvariant() switch
        {
            "status" => CustomerSort.Status,
            "created" => CustomerSort.Created,
            _ => CustomerSort.Number,
        };
        filter.Descending = string.Equals(typed[Names.Direction], "desc", StringComparison.OrdinalIgnoreCase);
        var page = Shell.ListAddress.PageNumber(typed[Names.Page]);
        filter.Search = filter.errors.ContainsKey(Names.Number) ? null : new CustomerListFilter(number, status, filter.Sort, filter.Descending, page);
        return filter;
    }

    /// <summary>The query string for this view with some values changed (null removes one).</summary>
    public string QueryWith(params (string Name, string? Value)[] changes) => Shell.ListAddress.QueryWith(AllNames, Typed, changes);

    public static string NameOf(CustomerSort sort) => sort.ToString().ToLowerInvariant();
}
