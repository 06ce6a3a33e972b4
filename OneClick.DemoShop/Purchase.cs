namespace OneClick.DemoShop;

internal enum PurchaseStatus
{
    /// <summary>Sent to the gateway; no postback yet.</summary>
    Pending,

    /// <summary>The gateway's postback arrived: the credits are on the user's balance.</summary>
    Paid,

    /// <summary>The buyer came back through the decline URL (a later postback still credits it).</summary>
    Declined,

    /// <summary>A <c>event=credit</c> postback took the credits back.</summary>
    Refunded,
}

internal sealed record Purchase(
    string Id,
    string UserId,
    int Credits,
    string PriceAmount,
    string PriceCurrency,
    DateTimeOffset CreatedAt,
    PurchaseStatus Status,
    string? SaleId,
    DateTimeOffset? ReturnedAt);

/// <summary>What the gateway's postback says about a sale; <see cref="OneClickToken"/> when it issued one.</summary>
internal sealed record SaleNotice(string SaleId, string PurchaseId, string UserId, string PriceAmount, string PriceCurrency, string? OneClickToken = null);

internal enum SaleOutcome
{
    Credited,
    AlreadyCredited,
    UnknownPurchase,

    /// <summary>The postback does not describe the purchase we sent (user, amount or currency differ).</summary>
    Mismatch,

    /// <summary>The purchase was already paid by another sale.</summary>
    PaidByAnotherSale,
}

internal enum TokenOutcome
{
    /// <summary>The token is now the user's one to send next.</summary>
    Stored,

    /// <summary>The user already had this token from this sale.</summary>
    Unchanged,

    /// <summary>A newer sale already gave the user a token (or a decline after it cleared it).</summary>
    Outdated,

    /// <summary>The shop already sent this token once; a token is single-use.</summary>
    AlreadyUsed,
}

internal enum RefundOutcome
{
    Refunded,
    AlreadyRefunded,
    UnknownSale,
}
