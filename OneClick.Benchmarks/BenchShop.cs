namespace OneClick.Benchmarks;

/// <summary>The one shop of a benchmark run, the same for the gateway (seeded by settings) and the floor.</summary>
public static class BenchShop
{
    public const int ShopId = 64233;

    /// <summary>30 characters, as the protocol's keys are.</summary>
    public const string SignatureKey = "BenchKey0123456789abcdefghijkl";

    /// <summary>Where the buyer goes after an approval, on the merchant's server.</summary>
    public static Uri SuccessUrl(Uri merchant) => new(merchant, "/ok");

    public static Uri PostbackUrl(Uri merchant) => new(merchant, "/postback");
}
