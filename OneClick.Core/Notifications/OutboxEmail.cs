using System.Linq.Expressions;

namespace OneClick.Core.Notifications;

public enum EmailState
{
    Pending,
    Sent,
    GivenUp,
}

/// <summary>
/// An e-mail to a buyer (receipt, refund notice), written in the same transaction as what it tells,
/// and sent later by the outbox. Its text holds no card number beyond the masked one.
/// </summary>
public sealed class OutboxEmail
{
    public const int MaxAttempts = 5;

    private OutboxEmail()
    {
    }

    public OutboxEmail(string to, string subject, string body, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        To = to;
        Subject = subject;
        Body = body;
        State = EmailState.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public long Id { get; private set; }

    public string To { get; private set; } = "";

    public string Subject { get; private set; } = "";

    public string Body { get; private set; } = "";

    public EmailState State { get; private set; }

    public int Attempts { get; private set; }

    public DateTime NextAttemptAt { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? SentAt { get; private set; }

    /// <summary>Until when a node holds the e-mail to send it (decision 029); past it, another node may take it over.</summary>
    public DateTime? ClaimedUntil { get; private set; }

    private static readonly TimedRule<OutboxEmail> Due = new((e, now) =>
        e.State == EmailState.Pending && e.NextAttemptAt <= now && (e.ClaimedUntil == null || e.ClaimedUntil <= now));

    /// <summary>
    /// Due: pending, its next attempt's time has come, and no node holds a live claim on it. The outbox
    /// sends these; the recurring sweep counts them; <see cref="IsDueAt"/> is the same rule for one e-mail.
    /// </summary>
    public static Expression<Func<OutboxEmail, bool>> DueAt(DateTime now) => Due.At(now);

    public bool IsDueAt(DateTime now) => Due.Holds(this, now);

    public string? LastError { get; private set; }

    /// <summary>Takes the e-mail to send it, for <paramref name="lease"/>: only a due one, written by a compare-and-set.</summary>
    public void Claim(DateTime now, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (!IsDueAt(now))
        {
            throw new InvalidOperationException($"E-mail {Id} is not due at {now:O}: {State}, next attempt at {NextAttemptAt:O}, claimed until {ClaimedUntil:O}.");
        }

        ClaimedUntil = now + lease;
    }

    public void Sent(DateTime now)
    {
        ClaimedUntil = null;
        Attempts++;
        State = EmailState.Sent;
        SentAt = now;
        LastError = null;
    }

    public void Failed(string error, DateTime now)
    {
        ClaimedUntil = null;
        Attempts++;
        LastError = error.Length > 500 ? error[..500] : error;
        if (Attempts >= MaxAttempts)
        {
            State = EmailState.GivenUp;
            return;
        }

        NextAttemptAt = now + TimeSpan.FromMinutes(Math.Pow(2, Attempts));
    }
}
