using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>What became of a payment the buyer started: the outcome of every paying command.</summary>
public abstract record PaymentOutcome
{
    public sealed record Approved(long SaleId) : PaymentOutcome;

    public sealed record Declined(long SaleId, DeclineReason Reason, bool OrderClosed) : PaymentOutcome;

    public sealed record ChallengeRequired : PaymentOutcome;

    /// <summary>The acquirer could not be reached; nothing was charged.</summary>
    public sealed record Unavailable : PaymentOutcome;

    public sealed record NotPayable(OrderState State) : PaymentOutcome;

    public sealed record NotFound : PaymentOutcome;

    /// <summary>The saved card is gone, unconfirmed, or not this order's wallet's.</summary>
    public sealed record CardUnavailable : PaymentOutcome;

    /// <summary>The shop requires a billing address and none came with the payment.</summary>
    public sealed record BillingAddressRequired : PaymentOutcome;

    /// <summary>Too many wrong CVCs: the card cannot pay in one click until then.</summary>
    public sealed record CardLocked(DateTime Until) : PaymentOutcome;

    /// <summary>The order's contract cannot be used: its id is taken (creation) or it is no longer active (subsequent payment).</summary>
    public sealed record ContractUnavailable : PaymentOutcome;
}
