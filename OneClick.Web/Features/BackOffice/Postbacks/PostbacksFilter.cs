using System.Globalization;
using OneClick.Web.Features.BackOffice.Postbacks.Queries;

namespace OneClick.Web.Features.BackOffice.Postbacks;

/// <summary>
/// The postback list's filters as the query string carries them (so that a view can be bookmarked and
/// shared), and what they mean once read. A state that is not one gets a message and filters nothing;
/// a shop is checked against the person's own by the query.
/// </summary>
public sealed class PostbacksFilter
{
    /// <summary>The query string's names.</summary>
    public static class Names
    {
        public const string Shop = "shop";
        public const string State = "state";
        public const string Sort = "sort";
        public const string Direction = "dir";
        public const string Page = "page";
    }

    /// <summary>Everything the query string carries: the filters, the order and the page.</summary>
    public static readonly IReadOnlyList<string> AllNames = [Names.Shop, Names.State, Names.Sort, Names.Direction, Names.Page];

    /// <summary>The values as read, to show them again and to write the address.</summary>
    public IReadOnlyDictionary<string, string?> Typed { get; private init; } = new Dictionary<string, string?>();

    /// <summary>The shop asked for: null for all, -1 for a value that is no shop id at all (matches none of theirs).</summary>
    public int? Shop { get; private set; }

    public DeliveryStateFilter State { get; private set; }

    /// <summary>Why the state asked for was not applied; null when it was.</summary>
    public string? StateError { get; private set; }

    public DeliverySort Sort { get; private set; }

    public bool Ascending { get; private set; }

    public int Page { get; private set; } = 1;

    public static PostbacksFilter Parse(Func<string, string?> query)
    {
        var typed = Shell.ListAddress.Typed(AllNames, query);

        var filter = new PostbacksFilter { Typed = typed };
        if (typed[Names.Shop] is { } shop)
        {
            filter.Shop = int.TryParse(shop, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
        }

        if (DeliveryStateFilters.Parse(typed[Names.State]) is { } state)
        {
            filter.State = state;
        }
        else
        {
            filter.StateError = $"\"{typed[Names.State]}\" is not a state: showing all states.";
        }

        // An unknown sort is the default order (newest first), as a bookmark from an older page expects.
        filter.Sort = Enum.TryParse<DeliverySort>(typed[Names.Sort], ignoreCase: true, out var sort) && Enum.IsDefined(sort) && !int.TryParse(typed[Names.Sort], out _) ? sort : DeliverySort.Created;
        filter.Ascending = string.Equals(typed[Names.Direction], "asc", StringComparison.OrdinalIgnoreCase);
        filter.Page = Shell.ListAddress.PageNumber(typed[Names.Page]);
        return filter;
    }

    /// <summary>The query string for this view with some values changed (null removes one).</summary>
    public string QueryWith(params (string Name, string? Value)[] changes) => Shell.ListAddress.QueryWith(AllNames, Typed, changes);

    public static string NameOf(DeliverySort sort) => sort.ToString().ToLowerInvariant();
}
