namespace OneClick.DemoShop;

/// <summary>What the shop sells: a number of credits for a price.</summary>
internal sealed record CreditPackage(int Credits, string PriceAmount, string PriceCurrency)
{
    public static readonly IReadOnlyList<CreditPackage> All =
    [
        new(100, "9.99", "EUR"),
        new(500, "39.99", "EUR"),
        new(1000, "69.99", "EUR"),
    ];

    public string Description => $"{Credits} credits";

    public static CreditPackage? WithCredits(int credits) => All.FirstOrDefault(p => p.Credits == credits);
}
