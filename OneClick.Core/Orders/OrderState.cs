namespace OneClick.Core.Orders;

public enum OrderState
{
    /// <summary>Waiting for the buyer's card; a declined attempt leaves the order open for another.</summary>
    Open,

    /// <summary>One payment attempt holds the order while the acquirer answers; no second may start.</summary>
    Processing,

    /// <summary>The acquirer asked for 3-D Secure; the buyer is on the challenge page.</summary>
    AwaitingAuthentication,

    /// <summary>Paid. Closed for good.</summary>
    Approved,

    /// <summary>Declined and handed back to the merchant's decline URL. Closed for good.</summary>
    Declined,

    /// <summary>A pay-by-link order whose link expired unpaid. Closed for good.</summary>
    Expired,

    /// <summary>The buyer cancelled on the hosted page of an API order and went back to the cancel URL. Closed for good.</summary>
    Cancelled,
}
