namespace OneClick.Web.Features.BackOffice.Audit;

/// <summary>
/// The audit log's view as the query string carries it (so that it can be bookmarked and shared): the
/// beginning of the actions shown, and the page. A page that is no number is the first.
/// </summary>
public sealed class AuditFilter
{
    /// <summary>The query string's names.</summary>
    public static class Names
    {
        public const string Action = "action";
        public const string Page = "page";
    }

    public static readonly IReadOnlyList<string> AllNames = [Names.Action, Names.Page];

    /// <summary>The values as read, to show them again and to write the address.</summary>
    public IReadOnlyDictionary<string, string?> Typed { get; private init; } = new Dictionary<string, string?>();

    /// <summary>Only actions that start with this; null for all.</summary>
    public string? Action => Typed[Names.Action];

    public int Page { get; private init; } = 1;

    public static AuditFilter Parse(Func<string, string?> query)
    {
        var typed = Shell.ListAddress.Typed(AllNames, query);
        return new AuditFilter
        {
            Typed = typed,
            Page = Shell.ListAddress.PageNumber(typed[Names.Page]),
        };
    }

    /// <summary>The query string for this view with some values changed (null removes one).</summary>
    public string QueryWith(params (string Name, string? Value)[] changes) => Shell.ListAddress.QueryWith(AllNames, Typed, changes);
}
