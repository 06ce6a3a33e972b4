using System.Text.RegularExpressions;

namespace OneClick.Core.Customers;

/// <summary>docs/protocol.md section 4 rule 8.</summary>
public enum CustomerStatus
{
    /// <summary>No saved card.</summary>
    New,

    /// <summary>Has a saved card.</summary>
    Member,

    /// <summary>Set by the merchant: no offer to remember a card, no saved cards shown, no token issued.</summary>
    Deny,
}

/// <summary>
/// A buyer as the merchant names them (<c>customerNumber</c>), inside one customer union. The wallet
/// of saved cards hangs off the customer, so every shop of the union and every browser sees it.
/// </summary>
public sealed partial class Customer
{
    private Customer()
    {
    }

    public Customer(int customerUnionId, string number, DateTime now)
    {
        if (!IsValidNumber(number))
        {
            throw new ArgumentException("A customerNumber is 1 to 32 characters of A-Z, a-z, 0-9, '.', '_' and '-'.", nameof(number));
        }

        CustomerUnionId = customerUnionId;
        Number = number;
        Status = CustomerStatus.New;
        CreatedAt = now;
        StatusChangedAt = now;
    }

    public long Id { get; private set; }

    public int CustomerUnionId { get; private set; }

    /// <summary>The merchant's own id of the buyer, exactly as sent (case matters).</summary>
    public string Number { get; private set; } = "";

    public CustomerStatus Status { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime StatusChangedAt { get; private set; }

    /// <summary>Whether the gateway may offer, show and charge saved cards for this customer.</summary>
    public bool MayUseOneClick => Status != CustomerStatus.Deny;

    public static bool IsValidNumber(string? number) => number is not null && NumberPattern().IsMatch(number);

    /// <summary>A card of theirs was saved (its first payment approved): New becomes Member. Deny stays.</summary>
    public void CardSaved(DateTime now)
    {
        if (Status == CustomerStatus.New)
        {
            SetStatus(CustomerStatus.Member, now);
        }
    }

    /// <summary>The last saved card is gone: a Member is New again. Deny stays.</summary>
    public void CardsGone(DateTime now)
    {
        if (Status == CustomerStatus.Member)
        {
            SetStatus(CustomerStatus.New, now);
        }
    }

    /// <summary>The merchant, at the customer's request, refuses One Click for them.</summary>
    /// <returns>False, and nothing changes, for a customer already denied.</returns>
    public bool Deny(DateTime now)
    {
        if (Status == CustomerStatus.Deny)
        {
            return false;
        }

        SetStatus(CustomerStatus.Deny, now);
        return true;
    }

    /// <summary>The merchant lifts a Deny: Member if a card of theirs can still pay, else New.</summary>
    /// <param name="hasSavedCards">Whether a card of theirs is usable (<see cref="Wallets.SavedCard.Usable"/>).</param>
    /// <returns>False, and nothing changes, for a customer not denied: New and Member follow the cards alone.</returns>
    public bool Allow(bool hasSavedCards, DateTime now)
    {
        if (Status != CustomerStatus.Deny)
        {
            return false;
        }

        SetStatus(hasSavedCards ? CustomerStatus.Member : CustomerStatus.New, now);
        return true;
    }

    private void SetStatus(CustomerStatus status, DateTime now)
    {
        Status = status;
        StatusChangedAt = now;
    }

    // \z, not $: a trailing newline is not part of a valid number.
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}
