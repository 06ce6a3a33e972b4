using OneClick.Core;

namespace OneClick.Web.Features.BackOffice.Dashboard;

/// <summary>One UTC day of the chart: approved sales and their amounts per currency.</summary>
public sealed record ChartDay(DateOnly Day, int Approved, IReadOnlyList<Money> Amounts);

/// <summary>
/// The dashboard's figures for the given shops (the caller's scope), by UTC day. A sale counts as
/// approved when the acquirer approved it, even if it was refunded since (refunds are their own figure).
/// </summary>
public sealed record DashboardFigures(
    IReadOnlyList<Money> ApprovedToday,
    int ApprovedCountToday,
    int DeclinedCountToday,
    int OneClickCountToday,
    int FailingPostbacks,
    IReadOnlyList<ChartDay> Days)
{
    public const int ChartDays = 14;

    /// <summary>Approved out of approved and declined; null before the day's first decided sale.</summary>
    public double? ApprovalRate => ApprovedCountToday + DeclinedCountToday == 0 ? null : (double)ApprovedCountToday / (ApprovedCountToday + DeclinedCountToday);

    /// <summary>Approved sales paid from a saved card, out of all approved; null without approved sales.</summary>
    public double? OneClickShare => ApprovedCountToday == 0 ? null : (double)OneClickCountToday / ApprovedCountToday;
}
