using OneClick.Core.Cards;
using OneClick.Core.Orders;

namespace OneClick.Core.Sales;

public enum SaleResult
{
    /// <summary>Sent to the acquirer, no answer yet (or 3-D Secure under way).</summary>
    Pending,
    Approved,
    Declined,

    /// <summary>The acquirer failed to answer: nothing was charged.</summary>
    Error,

    /// <summary>Approved, then refunded in full (partial refunds leave it Approved).</summary>
    Refunded,
}

/// <summary>
/// One attempt to charge a card for an order. It holds the card only as brand, BIN and last four;
/// the full number and the CVC never reach it.
/// </summary>
public sealed class Sale
{
    /// <summary>
    /// A payment still waiting this long (an abandoned 3-D Secure challenge, a crash) no longer holds
    /// back the CVC lock or the turnover limit: a buyer is not blocked for a week by a page they closed.
    /// </summary>
    public static readonly TimeSpan PendingCountsFor = TimeSpan.FromMinutes(15);

    private Sale()
    {
    }

    public Sale(Order order, CardNumber card, DateTime now)
    {
        OrderId = order.Id;
        ShopId = order.ShopId;
        Amount = order.Amount;
        Currency = order.Currency;
        PaymentMethod = order.PaymentMethod;
        Brand = card.Brand;
        TruncatedPan = card.Truncated;
        Result = SaleResult.Pending;
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>The protocol's <c>saleID</c>.</summary>
    public long Id { get; private set; }

    public string OrderId { get; private set; } = "";

    public int ShopId { get; private set; }

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public Money Price => new(Amount, Currency);

    public PaymentMethod PaymentMethod { get; private set; }

    public CardBrand Brand { get; private set; }

    /// <summary>BIN and last four, e.g. <c>424242XXXXXX4242</c>.</summary>
    public string TruncatedPan { get; private set; } = "";

    public SaleResult Result { get; private set; }

    public DeclineReason? DeclineReason { get; private set; }

    /// <summary>The acquirer's <c>transactionID</c>.</summary>
    public string? TransactionId { get; private set; }

    public bool ThreeDSecureChallenged { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? CompletedAt { get; private set; }

    /// <summary>The saved card charged or remembered by this sale, if any.</summary>
    public long? SavedCardId { get; private set; }

    /// <summary>Charged by an instant one-click startorder: no buyer input at all.</summary>
    public bool InstantOneClick { get; private set; }

    /// <summary>
    /// Charged from a saved card (its CVC only, or a token), not typed in full: what the CVC lock and
    /// the turnover limits count. A card remembered on full entry is not yet a one-click payment.
    /// </summary>
    public bool OneClickPayment { get; private set; }

    /// <summary>Hash of the browser that paid with a saved card: the token this sale issues is bound to it.</summary>
    public string? BrowserIdHash { get; private set; }

    /// <param name="oneClick">Paid from the saved card; false when the card was typed in full and is being remembered.</param>
    public void UseSavedCard(long savedCardId, bool oneClick, bool instant, string? browserIdHash)
    {
        RequirePending();
        if (instant && !oneClick)
        {
            throw new ArgumentException("An instant payment is a one-click payment.", nameof(instant));
        }

        SavedCardId = savedCardId;
        OneClickPayment = oneClick;
        InstantOneClick = instant;
        BrowserIdHash = browserIdHash;
    }

    /// <summary>What has been given back so far, by full or partial refunds.</summary>
    public decimal RefundedAmount { get; private set; }

    public decimal RefundableAmount => Result == SaleResult.Approved ? Amount - RefundedAmount : 0m;

    public string LastFour => TruncatedPan[^4..];

    public void AwaitAuthentication(string transactionId, DateTime now)
    {
        RequirePending();
        TransactionId = transactionId;
        ThreeDSecureChallenged = true;
        UpdatedAt = now;
    }

    public void Approve(string transactionId, DateTime now)
    {
        RequirePending();
        TransactionId = transactionId;
        Complete(SaleResult.Approved, null, now);
    }

    public void Decline(string? transactionId, DeclineReason reason, DateTime now)
    {
        RequirePending();
        TransactionId = transactionId ?? TransactionId;
        Complete(SaleResult.Declined, reason, now);
    }

    /// <summary>
    /// Why a refund of this amount with this reason cannot be booked, one refusal per field (none
    /// when it can): only an approved sale, a positive amount with at most two decimals, no more than
    /// is left, and the reason <see cref="Sales.Refund.RefusalOfReason"/> accepts.
    /// </summary>
    public IReadOnlyList<RefundRefusal> RefusalsOfRefund(decimal amount, string? reason)
    {
        var refusals = new List<RefundRefusal>(2);
        if (RefusalOfAmount(amount) is { } ofAmount)
        {
            refusals.Add(ofAmount);
        }

        if (Sales.Refund.RefusalOfReason(reason) is { } ofReason)
        {
            refusals.Add(ofReason);
        }

        return refusals;
    }

    /// <summary>
    /// Books a refund of part or all of an approved sale, refused above what is left to refund. The
    /// acquirer is asked afterwards; <see cref="RefundCompleted"/> or <see cref="RefundFailed"/> settles it.
    /// </summary>
    public Refund Refund(decimal amount, string reason, bool automatic, DateTime now)
    {
        if (RefusalOfAmount(amount) is { } refused)
        {
            throw refused.Kind switch
            {
                RefundRefusalKind.Malformed => new ArgumentOutOfRangeException(nameof(amount), refused.Message),
                _ => new OrderStateException(refused.Message),
            };
        }

        if (Sales.Refund.RefusalOfReason(reason) is { } badReason)
        {
            throw new ArgumentException(badReason.Message, nameof(reason));
        }

        // Booked at once, so that nothing can be refunded twice; the sale reads Refunded only when
        // the acquirer has confirmed.
        RefundedAmount += amount;
        UpdatedAt = now;
        return new Refund(this, amount, reason.Trim(), automatic, now);
    }

    /// <summary>
    /// Gives back all that is left of a sale whose postback the merchant never acknowledged; null when
    /// nothing is left (already refunded by staff). Booked with the giving up of the postback, in its
    /// transaction, so that a crash cannot leave such a sale unrefunded.
    /// </summary>
    public Refund? RefundUnacknowledged(DateTime now) =>
        RefundableAmount > 0 ? Refund(RefundableAmount, Sales.Refund.UnacknowledgedReason, automatic: true, now) : null;

    private RefundRefusal? RefusalOfAmount(decimal amount)
    {
        if (Result != SaleResult.Approved)
        {
            return new RefundRefusal(RefundField.Amount, RefundRefusalKind.NotRefundable, $"Only an approved sale can be refunded; sale {Id} is {Result}.");
        }

        if (amount <= 0 || decimal.Round(amount, 2) != amount)
        {
            return new RefundRefusal(RefundField.Amount, RefundRefusalKind.Malformed, "Enter an amount above zero with at most two decimals.");
        }

        return amount > RefundableAmount
            ? new RefundRefusal(RefundField.Amount, RefundRefusalKind.NotRefundable,
                $"{new Money(amount, Currency)} is more than what is left to refund on this sale: at most {new Money(RefundableAmount, Currency)}.")
            : null;
    }

    /// <summary>The acquirer confirmed a refund; once everything is given back the sale is Refunded.</summary>
    public void RefundCompleted(Refund refund, string acquirerRefundId, DateTime now)
    {
        if (refund.SaleId != Id)
        {
            throw new InvalidOperationException("The refund is not one of this sale's.");
        }

        refund.Complete(acquirerRefundId);
        if (RefundedAmount == Amount)
        {
            Result = SaleResult.Refunded;
        }

        UpdatedAt = now;
    }

    /// <summary>The acquirer refused a refund: its amount is refundable again.</summary>
    public void RefundFailed(Refund refund, string reason, DateTime now)
    {
        if (refund.SaleId != Id || refund.State != RefundState.Requested)
        {
            throw new InvalidOperationException("Only a requested refund of this sale can fail.");
        }

        refund.Fail(reason);
        RefundedAmount -= refund.Amount;
        if (Result == SaleResult.Refunded)
        {
            Result = SaleResult.Approved;
        }

        UpdatedAt = now;
    }

    public void Fail(DateTime now)
    {
        RequirePending();
        Complete(SaleResult.Error, Sales.DeclineReason.AcquirerUnavailable, now);
    }

    private void Complete(SaleResult result, DeclineReason? reason, DateTime now)
    {
        Result = result;
        DeclineReason = reason;
        UpdatedAt = now;
        CompletedAt = now;
    }

    private void RequirePending()
    {
        if (Result != SaleResult.Pending)
        {
            throw new OrderStateException($"Sale {Id} is already {Result}.");
        }
    }
}
