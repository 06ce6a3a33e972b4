namespace OneClick.Core.Sales;

public enum RefundState
{
    /// <summary>Booked against the sale, not yet confirmed by the acquirer.</summary>
    Requested,
    Completed,

    /// <summary>The acquirer refused; the amount is refundable again.</summary>
    Failed,
}

/// <summary>Money given back on a sale: by staff (full or partial) or automatically when the merchant never acknowledged it.</summary>
public sealed class Refund
{
    private Refund()
    {
    }

    internal Refund(Sale sale, decimal amount, string reason, bool automatic, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        SaleId = sale.Id;
        ShopId = sale.ShopId;
        Amount = amount;
        Currency = sale.Currency;
        Reason = reason.Length > 500 ? reason[..500] : reason;
        Automatic = automatic;
        State = RefundState.Requested;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public long SaleId { get; private set; }

    public int ShopId { get; private set; }

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public Money Price => new(Amount, Currency);

    public string Reason { get; private set; } = "";

    public bool Automatic { get; private set; }

    /// <summary>The acquirer's id of the refund, once it has done it.</summary>
    public string? AcquirerRefundId { get; private set; }

    public RefundState State { get; private set; }

    public string? FailureReason { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>The key the acquirer de-duplicates on: asking twice for this refund refunds once.</summary>
    public string IdempotencyKey => $"refund-{Id}";

    internal void Complete(string acquirerRefundId)
    {
        RequireRequested();
        AcquirerRefundId = acquirerRefundId;
        State = RefundState.Completed;
    }

    internal void Fail(string reason)
    {
        RequireRequested();
        FailureReason = reason.Length > 500 ? reason[..500] : reason;
        State = RefundState.Failed;
    }

    private void RequireRequested()
    {
        if (State != RefundState.Requested)
        {
            throw new InvalidOperationException($"Refund {Id} is already {State}.");
        }
    }
}
