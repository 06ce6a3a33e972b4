using System.Linq.Expressions;

namespace OneClick.Core.Postbacks;

public enum PostbackKind
{
    /// <summary>The OK data of an approved sale.</summary>
    Sale,

    /// <summary>A refund (<c>event=credit</c>).</summary>
    Credit,
}

public enum PostbackState
{
    Pending,

    /// <summary>The merchant answered <c>OK</c>.</summary>
    Delivered,

    /// <summary>The retries ran out with no <c>OK</c>.</summary>
    GivenUp,
}

/// <summary>
/// One message to a merchant's postback URL, written in the same transaction as what it reports
/// (the outbox), so that a crash can repeat it but never lose it.
/// </summary>
public sealed class PostbackDelivery
{
    private PostbackDelivery()
    {
    }

    /// <param name="claimFor">
    /// Written already claimed for this long by the node that will send it at once (a sale's postback,
    /// handed over on commit: decision 026), so that sending it costs no write of a claim.
    /// </param>
    public PostbackDelivery(int shopId, long saleId, PostbackKind kind, string url, DateTime now, TimeSpan? claimFor = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ShopId = shopId;
        SaleId = saleId;
        Kind = kind;
        Url = url;
        State = PostbackState.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
        if (claimFor is { } lease)
        {
            Claim(now, lease);
        }
    }

    public long Id { get; private set; }

    public int ShopId { get; private set; }

    public long SaleId { get; private set; }

    public PostbackKind Kind { get; private set; }

    /// <summary>The postback URL with the signed fields as its query: sent as it stands.</summary>
    public string Url { get; private set; } = "";

    public PostbackState State { get; private set; }

    public int Attempts { get; private set; }

    public DateTime NextAttemptAt { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? CompletedAt { get; private set; }

    /// <summary>
    /// Until when a node holds the delivery to send it (decision 029): no other node sends it before
    /// then. Past it, the claim has lapsed (its node died, or hangs) and the delivery is due again.
    /// </summary>
    public DateTime? ClaimedUntil { get; private set; }

    /// <summary>The trace of the payment that wrote it (W3C <c>traceparent</c>): its delivery joins that trace and passes it on to the merchant.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>
    /// Failing: still pending after at least one attempt the merchant did not answer <c>OK</c>. The
    /// dashboard counts these, the list filters by them and the outage warning starts from them.
    /// </summary>
    public static Expression<Func<PostbackDelivery, bool>> Failing { get; } = d => d.State == PostbackState.Pending && d.Attempts > 0;

    public bool IsFailing => IsFailingState(State, Attempts);

    private static readonly TimedRule<PostbackDelivery> Due = new((d, now) =>
        d.State == PostbackState.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now));

    /// <summary>
    /// Due: pending, its next attempt's time has come, and no node holds a live claim on it. The
    /// dispatcher sends these and the recurring outbox sweep counts them; <see cref="IsDueAt"/> is the
    /// same rule for one delivery.
    /// </summary>
    public static Expression<Func<PostbackDelivery, bool>> DueAt(DateTime now) => Due.At(now);

    public bool IsDueAt(DateTime now) => Due.Holds(this, now);

    /// <summary>Whether the claim that ends at <paramref name="claimedUntil"/> is still the delivery's, and still live.</summary>
    public bool IsHeldUntil(DateTime claimedUntil, DateTime now) =>
        State == PostbackState.Pending && ClaimedUntil == claimedUntil && claimedUntil > now;

    /// <summary><see cref="Failing"/> for a delivery read as a projection (a list row).</summary>
    public static bool IsFailingState(PostbackState state, int attempts) => state == PostbackState.Pending && attempts > 0;

    /// <summary>
    /// Takes the delivery to send it, for <paramref name="lease"/>: only a due one. Written by a
    /// compare-and-set, so that of two nodes that read it due, one claims it.
    /// </summary>
    public void Claim(DateTime now, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (!IsDueAt(now))
        {
            throw new InvalidOperationException($"Postback {Id} is not due at {now:O}: {State}, next attempt at {NextAttemptAt:O}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = now + lease;
    }

    /// <summary>The node that holds the claim ending at <paramref name="claimedUntil"/> makes it last <paramref name="lease"/> from now.</summary>
    public void RenewClaim(DateTime claimedUntil, DateTime now, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (!IsHeldUntil(claimedUntil, now))
        {
            throw new InvalidOperationException($"Postback {Id}'s claim until {claimedUntil:O} is no longer held: {State}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = now + lease;
    }

    /// <summary>The node that holds the claim ending at <paramref name="claimedUntil"/> gives it up unsent: the delivery is as it was before the claim.</summary>
    public void ReleaseClaim(DateTime claimedUntil, DateTime now)
    {
        if (!IsHeldUntil(claimedUntil, now))
        {
            throw new InvalidOperationException($"Postback {Id}'s claim until {claimedUntil:O} is no longer held: {State}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = null;
    }

    public void Delivered(DateTime now)
    {
        RequirePending();
        ClaimedUntil = null;
        Attempts++;
        State = PostbackState.Delivered;
        CompletedAt = now;
    }

    /// <summary>Records a failed attempt; true when the schedule has no retry left and the delivery is given up.</summary>
    public bool Failed(RetrySchedule schedule, DateTime now)
    {
        RequirePending();
        ClaimedUntil = null;
        Attempts++;
        if (schedule.DelayAfter(Attempts) is { } wait)
        {
            NextAttemptAt = now + wait;
            return false;
        }

        State = PostbackState.GivenUp;
        CompletedAt = now;
        return true;
    }

    /// <summary>
    /// "Retry now" (and the tests' moved clock): due at once, keeping the count of attempts. A claim
    /// ends too: staff asked for it to go now, whatever node held it.
    /// </summary>
    public void DueNow(DateTime now)
    {
        RequirePending();
        NextAttemptAt = now;
        ClaimedUntil = null;
    }

    private void RequirePending()
    {
        if (State != PostbackState.Pending)
        {
            throw new InvalidOperationException($"Postback {Id} is already {State}.");
        }
    }

    /// <summary>Keeps the trace of the work that wrote it; the first one stays, and anything malformed is not kept.</summary>
    public void TraceAs(string? traceParent)
    {
        if (TraceParent is null && Tracing.TraceParent.IsWellFormed(traceParent))
        {
            TraceParent = traceParent;
        }
    }
}
