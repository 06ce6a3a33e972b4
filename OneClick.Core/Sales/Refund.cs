using System.Linq.Expressions;

namespace OneClick.Core.Sales;

public enum RefundState
{
    /// <summary>Booked against the sale, not yet confirmed by the acquirer.</summary>
    Requested,
    Completed,

    /// <summary>The acquirer refused; the amount is refundable again.</summary>
    Failed,
}

/// <summary>Money given back on a sale: by staff (full or partial) or automatically when the merchant never acknowledged it.</summary>
public sealed class Refund
{
    /// <summary>What staff may write as a refund's reason (the form's <c>maxlength</c>, and the rule).</summary>
    public const int MaxReasonLength = 200;

    public const string UnacknowledgedReason = "The merchant did not acknowledge the sale's postback, so the sale was refunded automatically.";

    private Refund()
    {
    }

    internal Refund(Sale sale, decimal amount, string reason, bool automatic, DateTime now)
    {
        SaleId = sale.Id;
        ShopId = sale.ShopId;
        Amount = amount;
        Currency = sale.Currency;
        Reason = reason;
        Automatic = automatic;
        State = RefundState.Requested;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public long SaleId { get; private set; }

    public int ShopId { get; private set; }

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public Money Price => new(Amount, Currency);

    public string Reason { get; private set; } = "";

    public bool Automatic { get; private set; }

    /// <summary>The acquirer's id of the refund, once it has done it.</summary>
    public string? AcquirerRefundId { get; private set; }

    public RefundState State { get; private set; }

    public string? FailureReason { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>
    /// Until when a node holds the refund to ask the acquirer for it (decision 029); past it, another
    /// node may take it over (the idempotency key makes the second asking refund once).
    /// </summary>
    public DateTime? ClaimedUntil { get; private set; }

    private static readonly TimedRule<Refund> Due = new((r, now) =>
        r.State == RefundState.Requested && (r.ClaimedUntil == null || r.ClaimedUntil <= now));

    /// <summary>
    /// Due: booked, not yet answered by the acquirer, and no node holds a live claim on it. The outbox
    /// asks the acquirer for these; <see cref="IsDueAt"/> is the same rule for one refund.
    /// </summary>
    public static Expression<Func<Refund, bool>> DueAt(DateTime now) => Due.At(now);

    public bool IsDueAt(DateTime now) => Due.Holds(this, now);

    /// <summary>The key the acquirer de-duplicates on: asking twice for this refund refunds once.</summary>
    public string IdempotencyKey => $"refund-{Id}";

    /// <summary>Why a reason cannot be given for a refund (it is trimmed first); null when it can.</summary>
    public static RefundRefusal? RefusalOfReason(string? reason)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return new RefundRefusal(RefundField.Reason, RefundRefusalKind.Malformed, "Enter the reason for the refund.");
        }

        return trimmed.Length > MaxReasonLength
            ? new RefundRefusal(RefundField.Reason, RefundRefusalKind.Malformed, $"The reason may be at most {MaxReasonLength} characters; it has {trimmed.Length}.")
            : null;
    }

    /// <summary>
    /// Takes the refund to ask the acquirer for it, for <paramref name="lease"/>: only a due one,
    /// written by a compare-and-set, so that of two nodes that read it due, one asks.
    /// </summary>
    public void Claim(DateTime now, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (!IsDueAt(now))
        {
            throw new InvalidOperationException($"Refund {Id} is not due at {now:O}: {State}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = now + lease;
    }

    /// <summary>The node holding the claim ending at <paramref name="claimedUntil"/> gives it up unanswered (the acquirer failed): due again at once.</summary>
    public void ReleaseClaim(DateTime claimedUntil, DateTime now)
    {
        if (State != RefundState.Requested || ClaimedUntil != claimedUntil || claimedUntil <= now)
        {
            throw new InvalidOperationException($"Refund {Id}'s claim until {claimedUntil:O} is no longer held: {State}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = null;
    }

    internal void Complete(string acquirerRefundId)
    {
        RequireRequested();
        ClaimedUntil = null;
        AcquirerRefundId = acquirerRefundId;
        State = RefundState.Completed;
    }

    internal void Fail(string reason)
    {
        RequireRequested();
        ClaimedUntil = null;
        FailureReason = reason.Length > 500 ? reason[..500] : reason;
        State = RefundState.Failed;
    }

    private void RequireRequested()
    {
        if (State != RefundState.Requested)
        {
            throw new InvalidOperationException($"Refund {Id} is already {State}.");
        }
    }
}

/// <summary>The part of a refund request a refusal is about.</summary>
public enum RefundField
{
    Amount,
    Reason,
}

public enum RefundRefusalKind
{
    /// <summary>Not an amount or reason a refund can have at all.</summary>
    Malformed,

    /// <summary>Well-formed, but the sale does not allow it (not approved, or not that much left).</summary>
    NotRefundable,
}

/// <summary>Why a refund cannot be booked, in words for the person who asked for it.</summary>
public sealed record RefundRefusal(RefundField Field, RefundRefusalKind Kind, string Message);
