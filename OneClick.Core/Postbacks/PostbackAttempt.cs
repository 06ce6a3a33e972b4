namespace OneClick.Core.Postbacks;

/// <summary>One try at delivering a postback, kept for the back-office: what was sent and what came back.</summary>
public sealed class PostbackAttempt
{
    public const int ExcerptLength = 1024;

    /// <summary>
    /// The longest answer read to decide whether it is <c>OK</c>: the whole body must trim to <c>OK</c>,
    /// so an answer is read to its end, but no further than this; a longer one is not an acknowledgement.
    /// </summary>
    public const int MaxAcknowledgementLength = 4096;

    private PostbackAttempt()
    {
    }

    public PostbackAttempt(PostbackDelivery delivery, DateTime startedAt, TimeSpan duration, int? statusCode, string? responseExcerpt, string? error, bool acknowledged)
    {
        DeliveryId = delivery.Id;
        Url = delivery.Url;
        StartedAt = startedAt;
        DurationMs = (int)Math.Min(int.MaxValue, duration.TotalMilliseconds);
        StatusCode = statusCode;
        ResponseExcerpt = responseExcerpt is { Length: > ExcerptLength } ? responseExcerpt[..ExcerptLength] : responseExcerpt;
        Error = error;
        Acknowledged = acknowledged;
    }

    public long Id { get; private set; }

    public long DeliveryId { get; private set; }

    public string Url { get; private set; } = "";

    public DateTime StartedAt { get; private set; }

    public int DurationMs { get; private set; }

    public int? StatusCode { get; private set; }

    /// <summary>The first 1 KB of the merchant's answer.</summary>
    public string? ResponseExcerpt { get; private set; }

    /// <summary>Why no answer came: timeout, refused connection, ...</summary>
    public string? Error { get; private set; }

    /// <summary>HTTP 200 with the body <c>OK</c>.</summary>
    public bool Acknowledged { get; private set; }

    /// <summary>
    /// The merchant's acknowledgement rule: HTTP 200 and the whole body <c>OK</c>, surrounding white
    /// space ignored. <paramref name="body"/> is the whole body, or null when it was longer than
    /// <see cref="MaxAcknowledgementLength"/> (never a prefix: "OK" and 1,022 spaces begin many answers).
    /// </summary>
    public static bool IsAcknowledgement(int statusCode, string? body) =>
        statusCode == 200 && body?.Trim().TrimStart('\uFEFF').Trim() == "OK"; // a byte-order mark is an editor's, not an answer
}
