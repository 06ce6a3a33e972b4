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

    /// <summary>Due: pending, and its next attempt's time has come. The outbox sends these; the recurring sweep counts them.</summary>
    public static Expression<Func<OutboxEmail, bool>> DueAt(DateTime now) => e => e.State == EmailState.Pending && e.NextAttemptAt <= now;

    public string? LastError { get; private set; }

    public void Sent(DateTime now)
    {
        Attempts++;
        State = EmailState.Sent;
        SentAt = now;
        LastError = null;
    }

    public void Failed(string error, DateTime now)
    {
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
