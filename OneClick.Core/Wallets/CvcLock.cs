using System.Linq.Expressions;
using OneClick.Core.Sales;

namespace OneClick.Core.Wallets;

/// <summary>
/// A saved card must not become an oracle for guessing its CVC (decision 011): wrong CVCs typed for it
/// are counted from the sales, so parallel attempts count too, and enough of them within
/// <see cref="Window"/> lock it for one-click for <see cref="LockFor"/>. Instant one-click asks no CVC
/// and counts for nothing.
/// </summary>
public static class CvcLock
{
    /// <summary>Wrong CVCs on a saved card, within <see cref="Window"/>, that lock it for one-click.</summary>
    public const int MaxWrongCvcs = 5;

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static readonly TimeSpan LockFor = TimeSpan.FromHours(1);

    /// <summary>
    /// The sales that hold a new CVC payment with the card back: its wrong CVCs within the window and its
    /// CVC payments still waiting for an answer (for <see cref="Sale.PendingCountsFor"/> at most).
    /// </summary>
    public static Expression<Func<Sale, bool>> Attempts(long cardId, DateTime now)
    {
        var since = now - Window;
        var pendingSince = now - Sale.PendingCountsFor;
        return s => s.SavedCardId == cardId && s.OneClickPayment && !s.InstantOneClick && s.CreatedAt > since
            && (s.DeclineReason == DeclineReason.IncorrectCvc || (s.Result == SaleResult.Pending && s.CreatedAt > pendingSince));
    }

    /// <summary>The card's wrong CVCs within the window, but for one sale (the one being declined).</summary>
    public static Expression<Func<Sale, bool>> WrongCvcs(long cardId, long exceptSaleId, DateTime now)
    {
        var since = now - Window;
        return s => s.SavedCardId == cardId && s.Id != exceptSaleId && s.OneClickPayment && !s.InstantOneClick && s.CreatedAt > since
            && s.DeclineReason == DeclineReason.IncorrectCvc;
    }

    /// <summary>Whether a CVC payment is refused before it starts, given the <see cref="Attempts"/> counted.</summary>
    public static bool Refuses(int attempts) => attempts >= MaxWrongCvcs;

    /// <summary>Whether this decline is a wrong CVC that counts: typed for a saved card on the order page.</summary>
    public static bool Counts(Sale sale, DeclineReason reason) =>
        reason == DeclineReason.IncorrectCvc && sale.OneClickPayment && !sale.InstantOneClick;

    /// <summary>Whether one more wrong CVC, after <paramref name="earlierWrongCvcs"/> (<see cref="WrongCvcs"/>), locks the card.</summary>
    public static bool LocksAfter(int earlierWrongCvcs) => earlierWrongCvcs + 1 >= MaxWrongCvcs;

    public static DateTime LockedUntil(DateTime now) => now + LockFor;
}
