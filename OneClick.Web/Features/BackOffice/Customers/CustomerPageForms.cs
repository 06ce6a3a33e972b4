namespace OneClick.Web.Features.BackOffice.Customers;

// The customer page's posted forms. Their property names are the posted field names
// ("Change.Status", "Removal.CardId", "Deactivation.ContractId"): browsers and tests post them.

public sealed class StatusChange
{
    /// <summary>"Deny" or "Member", the value of the button pressed.</summary>
    public string? Status { get; set; }
}

public sealed class CardRemoval
{
    public long? CardId { get; set; }
}

public sealed class ContractDeactivation
{
    public long? ContractId { get; set; }
}
