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
}

/// <summary>
/// One attempt to charge a card for an order. It holds the card only as brand, BIN and last four;
/// the full number and the CVC never reach it.
/// </summary>
public sealed class Sale
{
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
