namespace OneClick.Core.Customers;

/// <summary>
/// Shops that share customer numbers and wallets (the Assist "union of a list of customer numbers").
/// Every shop starts in a union of its own; a gateway administrator may put shops of one merchant,
/// of a group, or of several merchants into one. A customerNumber is unique inside a union.
/// </summary>
public sealed class CustomerUnion
{
    private CustomerUnion()
    {
    }

    public CustomerUnion(string name, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
        CreatedAt = now;
    }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public void Rename(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
    }
}
