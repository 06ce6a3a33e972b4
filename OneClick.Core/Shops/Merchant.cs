namespace OneClick.Core.Shops;

/// <summary>A legal entity with shops and staff.</summary>
public sealed class Merchant
{
    private Merchant()
    {
    }

    public Merchant(string name, DateTime createdAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }
}
