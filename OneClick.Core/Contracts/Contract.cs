using OneClick.Core.Cards;
using OneClick.Core.Wallets;

namespace OneClick.Core.Contracts;

public enum ContractState
{
    /// <summary>Its first payment is under way (3-D Secure included): it cannot be charged or listed yet.</summary>
    Pending,

    /// <summary>Saved by an authenticated, approved first payment: later payments may charge it.</summary>
    Active,

    /// <summary>The merchant deactivated it: it can never be charged again.</summary>
    Deactivated,
}

/// <summary>
/// A CIT contract (the Nexi XPay model): the card a customer paid with, saved under the merchant's
/// <see cref="ContractId"/> so that later payments skip card entry, never 3-D Secure. The number is
/// kept only encrypted; what anyone sees is brand and last four. Never the CVC.
/// </summary>
public sealed class Contract
{
    private Contract()
    {
    }

    /// <summary>A contract for a first payment, pending until that payment is approved.</summary>
    public Contract(int shopId, string contractId, long customerId, string orderId, CardNumber card, CardExpiry expiry, string? holder, EncryptedPan pan, DateTime now)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractId);
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(pan);
        ShopId = shopId;
        ContractId = contractId;
        CustomerId = customerId;
        CreatedByOrderId = orderId;
        Brand = card.Brand;
        Bin = card.Bin;
        LastFour = card.LastFour;
        ExpiryYear = expiry.Year;
        ExpiryMonth = expiry.Month;
        HolderName = holder;
        EncryptedPan = pan.Ciphertext;
        KeyId = pan.KeyId;
        State = ContractState.Pending;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public long Id { get; private set; }

    public int ShopId { get; private set; }

    /// <summary>The merchant's id of the contract, unique in the shop.</summary>
    public string ContractId { get; private set; } = "";

    /// <summary>The customer (the merchant's <c>customerId</c> in the shop's customer union).</summary>
    public long CustomerId { get; private set; }

    public string CreatedByOrderId { get; private set; } = "";

    public ContractState State { get; private set; }

    public CardBrand Brand { get; private set; }

    public string Bin { get; private set; } = "";

    public string LastFour { get; private set; } = "";

    public int ExpiryYear { get; private set; }

    public int ExpiryMonth { get; private set; }

    public CardExpiry Expiry => new(ExpiryYear, ExpiryMonth);

    public string? HolderName { get; private set; }

    /// <summary>nonce ‖ tag ‖ ciphertext of the PAN under the key <see cref="KeyId"/>; empty once deactivated.</summary>
    public byte[] EncryptedPan { get; private set; } = [];

    public string KeyId { get; private set; } = "";

    public EncryptedPan Pan => new(KeyId, EncryptedPan);

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? ActivatedAt { get; private set; }

    public DateTime? DeactivatedAt { get; private set; }

    public int Payments { get; private set; }

    /// <summary>The API's <c>paymentInstrumentInfo</c>, e.g. <c>***4242</c>.</summary>
    public string Masked => "***" + LastFour;

    /// <summary>As the buyer sees it, e.g. <c>Visa •••• 4242</c>.</summary>
    public string Display => $"{Brand.DisplayName()} •••• {LastFour}";

    public bool IsChargeable => State == ContractState.Active;

    /// <summary>The first payment was authenticated and approved: the contract may be charged from now on.</summary>
    public void Activate(DateTime now)
    {
        if (State != ContractState.Pending)
        {
            throw new ContractStateException($"Only a pending contract can be activated; this one is {State}.");
        }

        State = ContractState.Active;
        ActivatedAt = now;
        UpdatedAt = now;
        Payments = 1;
    }

    /// <summary>A later payment on the contract was approved.</summary>
    public void Charged(DateTime now)
    {
        if (State != ContractState.Active)
        {
            throw new ContractStateException($"Only an active contract can be charged; this one is {State}.");
        }

        Payments++;
        UpdatedAt = now;
    }

    /// <summary>Ends the contract for good: the encrypted number is wiped, the masked card stays for the history.</summary>
    public void Deactivate(DateTime now)
    {
        if (State == ContractState.Deactivated)
        {
            return;
        }

        if (State != ContractState.Active)
        {
            throw new ContractStateException($"Only an active contract can be deactivated; this one is {State}.");
        }

        State = ContractState.Deactivated;
        EncryptedPan = [];
        DeactivatedAt = now;
        UpdatedAt = now;
    }
}

public sealed class ContractStateException(string message) : InvalidOperationException(message);
