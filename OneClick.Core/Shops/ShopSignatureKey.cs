namespace OneClick.Core.Shops;

public sealed class ShopSignatureKey
{
    private ShopSignatureKey()
    {
    }

    internal ShopSignatureKey(string secret, DateTime createdAt)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length < 16)
        {
            throw new ArgumentException("A signature key has at least 16 characters.", nameof(secret));
        }

        Secret = secret;
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }

    public int ShopId { get; private set; }

    public string Secret { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public DateTime? RetiredAt { get; private set; }

    internal void Retire(DateTime now) => RetiredAt ??= now;
}
