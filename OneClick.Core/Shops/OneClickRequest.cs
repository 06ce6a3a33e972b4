namespace OneClick.Core.Shops;

/// <summary>
/// Where a merchant's request for One Click stands (docs/protocol.md section 3: off by default, switched
/// on by a gateway administrator on the merchant's request).
/// </summary>
public enum OneClickRequest
{
    /// <summary>The merchant has not asked.</summary>
    None,

    /// <summary>Asked, waiting for an administrator.</summary>
    Requested,

    /// <summary>An administrator said yes (One Click was switched on).</summary>
    Approved,

    /// <summary>An administrator said no; the merchant may ask again.</summary>
    Refused,
}

/// <summary>What the back-office shows: One Click on, or where the request stands.</summary>
public enum OneClickStatus
{
    NotRequested,
    Requested,
    On,
    Refused,
}
