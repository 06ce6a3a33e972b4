using System.Linq.Expressions;
using OneClick.Core.Orders;

namespace OneClick.Core.Sales;

/// <summary>
/// What a decline means beyond the sale: for the saved card that paid (rule 6), and for the order
/// (its five attempts, decision 004). The gateway's own refusals say nothing of the card or the buyer.
/// </summary>
public static class DeclinePolicy
{
    /// <summary>
    /// Whether the decline touches the saved card at all: the shop's turnover limit and a 3-D Secure
    /// challenge nobody answered are the gateway's refusals, not the card's.
    /// </summary>
    public static bool ConcernsCard(DeclineReason reason) =>
        reason is not (DeclineReason.TurnoverLimitReached or DeclineReason.AuthenticationAbandoned);

    /// <summary>
    /// Whether the decline counts against the card: it is set back to unconfirmed and its tokens end.
    /// A wrong CVC says nothing against the card: it counts towards the <see cref="Wallets.CvcLock"/> instead.
    /// </summary>
    public static bool CountsAgainstCard(DeclineReason reason) =>
        ConcernsCard(reason) && reason != DeclineReason.IncorrectCvc;

    /// <summary>
    /// Whether the decline is one of the order's <see cref="Order.MaxDeclinedAttempts"/>: the shop's
    /// limit is no decline of the card, and the buyer may still pay by full card entry.
    /// </summary>
    public static bool CountsAsAttempt(DeclineReason reason) => reason != DeclineReason.TurnoverLimitReached;

    /// <summary>The sales that are declined attempts of their order (<see cref="CountsAsAttempt(DeclineReason)"/>), for SQL.</summary>
    public static readonly Expression<Func<Sale, bool>> DeclinedAttempt =
        s => s.Result == SaleResult.Declined && s.DeclineReason != DeclineReason.TurnoverLimitReached;

    /// <summary>
    /// Whether the decline closes the order: a merchant that gave a decline URL takes the buyer back at
    /// the first one, and no order takes more than <see cref="Order.MaxDeclinedAttempts"/>.
    /// </summary>
    /// <param name="earlierAttempts">The order's <see cref="DeclinedAttempt"/> sales before this one.</param>
    public static bool ClosesOrder(DeclineReason reason, bool declineUrlGiven, int earlierAttempts) =>
        CountsAsAttempt(reason) && (declineUrlGiven || earlierAttempts + 1 >= Order.MaxDeclinedAttempts);
}
