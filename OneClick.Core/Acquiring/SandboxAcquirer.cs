using System.Security.Cryptography;
using OneClick.Core.Sales;

namespace OneClick.Core.Acquiring;

/// <summary>
/// The built-in test bank of docs/protocol.md section 8. Any other valid card number is approved.
/// It keeps no state: a 3-D Secure transaction completes on the buyer's answer alone.
/// </summary>
public sealed class SandboxAcquirer : IAcquirer
{
    public static class TestCards
    {
        public const string Visa = "4242424242424242";
        public const string Mastercard = "5555555555554444";
        public const string Amex = "378282246310005";
        public const string Declined = "4000000000000002";
        public const string InsufficientFunds = "4000000000009995";
        public const string IncorrectCvc = "4000000000000127";
        public const string ExpiredCard = "4000000000000069";
        public const string AcquirerError = "4000000000000119";
        public const string DeclinedAfterFirstSale = "4000000000000341";
        public const string ThreeDSecure = "4000002760003184";
    }

    public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var transactionId = NewTransactionId();
        AuthorizationResult result = request.Card.Digits switch
        {
            TestCards.AcquirerError => new AuthorizationResult.Unavailable("The sandbox acquirer simulated a timeout."),
            TestCards.Declined => new AuthorizationResult.Declined(transactionId, DeclineReason.CardDeclined),
            TestCards.InsufficientFunds => new AuthorizationResult.Declined(transactionId, DeclineReason.InsufficientFunds),
            TestCards.IncorrectCvc => new AuthorizationResult.Declined(transactionId, DeclineReason.IncorrectCvc),
            TestCards.ExpiredCard => new AuthorizationResult.Declined(transactionId, DeclineReason.ExpiredCard),
            TestCards.DeclinedAfterFirstSale when request.StoredCredential => new AuthorizationResult.Declined(transactionId, DeclineReason.CardDeclined),
            TestCards.ThreeDSecure => new AuthorizationResult.ChallengeRequired(transactionId),
            _ when request.Cvc?.Value is "000" or "0000" => new AuthorizationResult.Declined(transactionId, DeclineReason.IncorrectCvc),
            _ when request.AuthenticationRequired => new AuthorizationResult.ChallengeRequired(transactionId),
            _ => new AuthorizationResult.Approved(transactionId),
        };
        return Task.FromResult(result);
    }

    public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        AuthorizationResult result = authenticated
            ? new AuthorizationResult.Approved(transactionId)
            : new AuthorizationResult.Declined(transactionId, DeclineReason.AuthenticationFailed);
        return Task.FromResult(result);
    }

    public Task<RefundResult> RefundAsync(string transactionId, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        if (amount.Amount <= 0)
        {
            return Task.FromResult<RefundResult>(new RefundResult.Failed("A refund needs a positive amount."));
        }

        var refundId = refunds.GetOrAdd(idempotencyKey, _ => "sbx_r_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)));
        return Task.FromResult<RefundResult>(new RefundResult.Refunded(refundId));
    }

    /// <summary>Refunds already made, by idempotency key (a bank remembers them; the sandbox until restart).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> refunds = new(StringComparer.Ordinal);

    private static string NewTransactionId() => "sbx_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
}
