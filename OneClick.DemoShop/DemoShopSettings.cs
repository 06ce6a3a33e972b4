namespace OneClick.DemoShop;

/// <summary>Where the demo shop listens, which gateway it sells through, and the shop it is there.</summary>
public sealed class DemoShopSettings
{
    /// <summary>Where the shop listens and what the buyer's browser sees, e.g. <c>http://localhost:5090</c>.</summary>
    public required string Url { get; init; }

    /// <summary>The gateway's base address, e.g. <c>http://localhost:5080</c>.</summary>
    public required string GatewayUrl { get; init; }

    /// <summary>The shop's <c>shopID</c> at the gateway.</summary>
    public required int ShopId { get; init; }

    /// <summary>The shop's signature key: signs startorder links, verifies OK data and postbacks.</summary>
    public required string SignatureKey { get; init; }

    /// <summary>Folder of the shop's own store, <c>demoshop.db</c>; created if missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How old a postback's <c>X-OneClick-Signature</c> may be (docs/protocol.md section 5).</summary>
    public TimeSpan PostbackMaxAge { get; init; } = TimeSpan.FromMinutes(5);

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
