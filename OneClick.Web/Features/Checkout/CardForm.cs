namespace OneClick.Web.Features.Checkout;

/// <summary>The card entry form as posted. It lives for one request and is never stored.</summary>
public sealed class CardForm
{
    public string? Number { get; set; }

    public string? Expiry { get; set; }

    public string? Cvc { get; set; }

    public string? Holder { get; set; }

    /// <summary>"Remember my card for future purchases": checked when the page is first shown.</summary>
    public bool Remember { get; set; }

    public string? Street { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    public string? Country { get; set; }

    public override string ToString() => "card form";

    /// <summary>A one-button form (pay by contract, cancel): nothing to type, the antiforgery token does the work.</summary>
    public sealed class Confirmation
    {
        public bool Confirmed { get; set; }
    }

    /// <summary>"Delete card", then "Yes, delete".</summary>
    public sealed class DeleteCardChoice
    {
        public long? CardId { get; set; }

        public bool Confirmed { get; set; }
    }

    /// <summary>The saved-card form: which card, and its CVC.</summary>
    public sealed class SavedCardChoice
    {
        public long? CardId { get; set; }

        public string? Cvc { get; set; }

        public string? Street { get; set; }

        public string? PostalCode { get; set; }

        public string? City { get; set; }

        public string? Country { get; set; }

        public override string ToString() => "saved card form";
    }

    /// <summary>An invalid expiry is shown again only when it cannot be part of a card number.</summary>
    public static bool IsSafeToShowAsExpiry(string? input) =>
        input is null || (input.Length <= 7 && input.All(c => char.IsAsciiDigit(c) || c is ' ' or '/' or '-') && input.Count(char.IsAsciiDigit) <= 6);

    public static string? CheckHolder(string? input, out string? error)
    {
        var name = input?.Trim();
        error = null;
        if (string.IsNullOrEmpty(name))
        {
            error = "Enter the name as printed on the card.";
        }
        else if (name.Length > 100)
        {
            error = "The name may be at most 100 characters.";
        }
        else if (name.Any(char.IsControl) || name.Count(char.IsAsciiDigit) > 4)
        {
            // Digits in a name are most often a card number typed into the wrong field.
            error = "Enter the cardholder's name here, not a number.";
        }

        return error is null ? name : null;
    }
}
