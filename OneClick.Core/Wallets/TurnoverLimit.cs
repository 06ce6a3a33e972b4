using System.Linq.Expressions;
using OneClick.Core.Sales;

namespace OneClick.Core.Wallets;

/// <summary>
/// A shop's cap on one customer's approved one-click turnover in one currency, over all their saved
/// cards (docs/protocol.md section 4 rule 9). The day and the week are rolling (the last 24 hours, the
/// last 7 days), so that no midnight or Monday opens the cap afresh.
/// </summary>
public sealed class TurnoverLimit
{
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>The largest cap: far above any real turnover, and within the column's 12 digits (10 before the point).</summary>
    public const decimal MaxCap = 1_000_000_000m;

    /// <summary>
    /// The sales a limit counts (decision 011): one-click payments in its currency within the week,
    /// approved, or still pending for <see cref="Sale.PendingCountsFor"/> at most. The shop is the caller's.
    /// </summary>
    public static Expression<Func<Sale, bool>> Counted(string currency, DateTime now)
    {
        var since = now - Week;
        var pendingSince = now - Sale.PendingCountsFor;
        return s => s.OneClickPayment && s.Currency == currency && s.CreatedAt > since
            && (s.Result == SaleResult.Approved || (s.Result == SaleResult.Pending && s.CreatedAt > pendingSince));
    }

    private TurnoverLimit()
    {
    }

    public TurnoverLimit(string currency, decimal? perDay, decimal? perWeek)
    {
        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"'{currency}' is not a currency code such as EUR.", nameof(currency));
        }

        if (perDay is null && perWeek is null)
        {
            throw new ArgumentException("A turnover limit caps the day, the week, or both.");
        }

        RequireAmount(perDay, nameof(perDay));
        RequireAmount(perWeek, nameof(perWeek));
        if (perDay > perWeek)
        {
            throw new ArgumentException($"The daily cap ({perDay}) cannot be above the weekly cap ({perWeek}).", nameof(perDay));
        }

        Currency = currency;
        PerDay = perDay;
        PerWeek = perWeek;
    }

    public string Currency { get; private set; } = "";

    public decimal? PerDay { get; private set; }

    public decimal? PerWeek { get; private set; }

    /// <summary>
    /// Why <paramref name="payment"/> would break this cap, given the customer's one-click payments
    /// already approved or under way in the last week; null when it fits. Exactly at the cap fits.
    /// </summary>
    public string? Refusal(Money payment, IEnumerable<(DateTime At, decimal Amount)> recent, DateTime now)
    {
        if (payment.Currency != Currency)
        {
            return null;
        }

        var list = recent.ToList();
        if (PerDay is { } day && Sum(list, now - Day) + payment.Amount > day)
        {
            return $"over the daily one-click limit of {new Money(day, Currency)}";
        }

        if (PerWeek is { } week && Sum(list, now - Week) + payment.Amount > week)
        {
            return $"over the weekly one-click limit of {new Money(week, Currency)}";
        }

        return null;
    }

    private static decimal Sum(List<(DateTime At, decimal Amount)> recent, DateTime since) =>
        recent.Where(p => p.At > since).Sum(p => p.Amount);

    /// <summary>Whether an amount may be a cap: above zero, at most <see cref="MaxCap"/>, with at most 2 decimals.</summary>
    public static bool IsValidCap(decimal amount) => amount > 0 && amount <= MaxCap && decimal.Round(amount, 2) == amount;

    private static void RequireAmount(decimal? amount, string name)
    {
        if (amount is { } value && !IsValidCap(value))
        {
            throw new ArgumentException($"A cap is an amount above zero, at most {MaxCap}, with at most 2 decimals, not {value}.", name);
        }
    }
}
