using OneClick.Core.Postbacks;

namespace OneClick.Web.Features.BackOffice.Postbacks;

/// <summary>The states a person can filter postback deliveries by, as the query string spells them.</summary>
public enum DeliveryStateFilter
{
    All,

    /// <summary>Still pending after at least one failed attempt.</summary>
    Failing,

    /// <summary>Not delivered yet (includes failing ones and those not tried yet).</summary>
    Pending,

    Delivered,

    GivenUp,
}

public static class DeliveryStateFilters
{
    public static readonly IReadOnlyList<(DeliveryStateFilter Filter, string Value, string Label)> Choices =
    [
        (DeliveryStateFilter.All, "", "All states"),
        (DeliveryStateFilter.Failing, "failing", "Failing (retrying)"),
        (DeliveryStateFilter.Pending, "pending", "Pending (not delivered yet)"),
        (DeliveryStateFilter.Delivered, "delivered", "Delivered"),
        (DeliveryStateFilter.GivenUp, "given-up", "Given up"),
    ];

    /// <summary>Reads <c>?state=</c>; null when the value is not one of <see cref="Choices"/>.</summary>
    public static DeliveryStateFilter? Parse(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? DeliveryStateFilter.All
            : Choices.Where(c => string.Equals(c.Value, value.Trim(), StringComparison.OrdinalIgnoreCase)).Select(c => (DeliveryStateFilter?)c.Filter).FirstOrDefault();

    public static string QueryValue(this DeliveryStateFilter filter) => Choices.Single(c => c.Filter == filter).Value;

    public static IQueryable<PostbackDelivery> InState(this IQueryable<PostbackDelivery> deliveries, DeliveryStateFilter filter) => filter switch
    {
        DeliveryStateFilter.Failing => deliveries.Where(PostbackDelivery.Failing),
        DeliveryStateFilter.Pending => deliveries.Where(d => d.State == PostbackState.Pending),
        DeliveryStateFilter.Delivered => deliveries.Where(d => d.State == PostbackState.Delivered),
        DeliveryStateFilter.GivenUp => deliveries.Where(d => d.State == PostbackState.GivenUp),
        _ => deliveries,
    };

    /// <summary>How a delivery's state reads in the back-office.</summary>
    public static string Describe(PostbackState state, int attempts) => state switch
    {
        _ when PostbackDelivery.IsFailingState(state, attempts) => "Failing",
        PostbackState.Pending => "Pending",
        PostbackState.Delivered => "Delivered",
        _ => "Given up",
    };
}
