namespace OneClick.Core.Customers;

/// <summary>
/// Shops that share customer numbers and wallets (the Assist "union of a list of customer numbers").
/// Every shop starts in a union of its own; a gateway administrator may put shops of one merchant,
/// of a group, or of several merchants into one. A customerNumber is unique inside a union.
/// </summary>
public sealed class CustomerUnion
{
    public const int MaxNameLength = 200;

    private CustomerUnion()
    {
    }

    public CustomerUnion(string name, DateTime now)
    {
        Name = ValidName(name);
        CreatedAt = now;
    }

    public int Id { get; private set; }

    public string Name { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public void Rename(string name) => Name = ValidName(name);

    /// <summary>Whether a name, trimmed, may name a union: 1 to <see cref="MaxNameLength"/> characters.</summary>
    public static bool IsValidName(string? name) => name?.Trim() is { Length: > 0 and <= MaxNameLength };

    private static string ValidName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return IsValidName(name)
            ? name.Trim()
            : throw new ArgumentException($"A union name has at most {MaxNameLength} characters.", nameof(name));
    }
}
