using OneClick.Core.Cards;
using OneClick.Core.Sales;

namespace OneClick.Core.Acquiring;

/// <summary>The bank side: authorises a card payment. The sandbox stands in for a real one.</summary>
public interface IAcquirer
{
    Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken);

    /// <summary>Finishes a payment that asked for 3-D Secure, with what the buyer did on the challenge.</summary>
    Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back part or all of an approved charge. The same <paramref name="idempotencyKey"/> asked
    /// again (after a crash or a timeout) answers the first refund again instead of refunding twice.
    /// </summary>
    Task<RefundResult> RefundAsync(string transactionId, Money amount, string idempotencyKey, CancellationToken cancellationToken);
}

public abstract record RefundResult
{
    public sealed record Refunded(string RefundId) : RefundResult;

    public sealed record Failed(string Reason) : RefundResult;
}

/// <summary>
/// What the acquirer needs for one charge. It lives only for the call: the CVC inside it is never
/// stored, and <see cref="ToString"/> prints nothing sensitive. With <see cref="AuthenticationRequired"/>
/// the merchant's terms ask for 3-D Secure whatever the issuer would decide (both phases of a contract).
/// </summary>
public sealed record AuthorizationRequest(
    CardNumber Card,
    CardExpiry Expiry,
    Cvc? Cvc,
    string? CardholderName,
    Money Amount,
    string Reference,
    bool StoredCredential = false,
    bool AuthenticationRequired = false)
{
    public override string ToString() => $"{Card.Truncated} {Amount} ref {Reference}";
}

public abstract record AuthorizationResult
{
    public sealed record Approved(string TransactionId) : AuthorizationResult;

    /// <param name="TransactionId">Null when the gateway itself refused the payment before any acquirer saw it.</param>
    public sealed record Declined(string? TransactionId, DeclineReason Reason) : AuthorizationResult;

    /// <summary>The issuer wants 3-D Secure: send the buyer to the challenge.</summary>
    public sealed record ChallengeRequired(string TransactionId) : AuthorizationResult;

    /// <summary>A transient failure: nothing was charged; the buyer may retry.</summary>
    public sealed record Unavailable(string Message) : AuthorizationResult;
}
