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

    public PostbackDelivery(int shopId, long saleId, PostbackKind kind, string url, DateTime now)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ShopId = shopId;
        SaleId = saleId;
        Kind = kind;
        Url = url;
        State = PostbackState.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
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
    /// Failing: still pending after at least one attempt the merchant did not answer <c>OK</c>. The
    /// dashboard counts these, the list filters by them and the outage warning starts from them.
    /// </summary>
    public static Expression<Func<PostbackDelivery, bool>> Failing { get; } = d => d.State == PostbackState.Pending && d.Attempts > 0;

    public bool IsFailing => IsFailingState(State, Attempts);

    /// <summary>
    /// Due: pending, and its next attempt's time has come. The dispatcher sends these and the
    /// recurring outbox sweep counts them; <see cref="IsDueAt"/> is the same rule for one delivery.
    /// </summary>
    public static Expression<Func<PostbackDelivery, bool>> DueAt(DateTime now) => d => d.State == PostbackState.Pending && d.NextAttemptAt <= now;

    public bool IsDueAt(DateTime now) => State == PostbackState.Pending && NextAttemptAt <= now;

    /// <summary><see cref="Failing"/> for a delivery read as a projection (a list row).</summary>
    public static bool IsFailingState(PostbackState state, int attempts) => state == PostbackState.Pending && attempts > 0;

    public void Delivered(DateTime now)
    {
        RequirePending();
        Attempts++;
        State = PostbackState.Delivered;
        CompletedAt = now;
    }

    /// <summary>Records a failed attempt; true when the schedule has no retry left and the delivery is given up.</summary>
    public bool Failed(RetrySchedule schedule, DateTime now)
    {
        RequirePending();
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

    /// <summary>"Retry now" (and the tests' moved clock): due at once, keeping the count of attempts.</summary>
    public void DueNow(DateTime now)
    {
        RequirePending();
        NextAttemptAt = now;
    }

    private void RequirePending()
    {
        if (State != PostbackState.Pending)
        {
            throw new InvalidOperationException($"Postback {Id} is already {State}.");
        }
    }
}
