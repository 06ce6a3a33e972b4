namespace OneClick.Web.Features.Audit;

/// <summary>One change made in the back-office: who, when, what, and the values before and after (issue 6).</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public AuditEntry(DateTime at, int? userId, string userEmail, int? merchantId, string action, string subject, string? before, string? after)
    {
        At = at;
        UserId = userId;
        UserEmail = userEmail;
        MerchantId = merchantId;
        Action = action;
        // The subject names a thing ("union <name>"); a name at its own limit must not make the entry
        // longer than its column (PostgreSQL refuses what SQLite would keep). The full values are in After.
        Subject = subject.Length <= MaxSubjectLength ? subject : subject[..(MaxSubjectLength - 1)] + "…";
        Before = before;
        After = after;
    }

    public const int MaxSubjectLength = 200;

    public long Id { get; private set; }

    public DateTime At { get; private set; }

    public int? UserId { get; private set; }

    public string UserEmail { get; private set; } = "";

    /// <summary>The merchant whose data changed (owners see their own); null for gateway-wide changes.</summary>
    public int? MerchantId { get; private set; }

    /// <summary>What was done, e.g. <c>customer.deny</c>, <c>sale.refund</c>, <c>shop.key.rotate</c>.</summary>
    public string Action { get; private set; } = "";

    /// <summary>What it was done to, e.g. <c>shop 64233</c>, <c>sale 17</c>.</summary>
    public string Subject { get; private set; } = "";

    /// <summary>JSON of the values before; never a secret (keys, passwords, card data).</summary>
    public string? Before { get; private set; }

    public string? After { get; private set; }
}
