using System.Linq.Expressions;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Shops;

namespace OneClick.Core.Wallets;

/// <summary>
/// A card on file. The number is kept only encrypted (AES-256-GCM) and as a keyed hash to
/// recognise it again; what anyone sees is brand, BIN and last four. Never the CVC.
/// </summary>
public sealed class SavedCard
{
    /// <summary>
    /// Whether a card can pay: not deleted, and confirmed by a successful payment. An expression, so
    /// that the queries that ask it in SQL and <see cref="IsUsable"/> cannot drift apart.
    /// </summary>
    public static readonly Expression<Func<SavedCard, bool>> Usable = c => c.DeletedAt == null && c.Confirmed;

    private static readonly Func<SavedCard, bool> UsableNow = Usable.Compile();

    private SavedCard()
    {
    }

    internal SavedCard(Wallet wallet, CardNumber card, CardExpiry expiry, string? holder, EncryptedPan pan, string fingerprint, DateTime now)
    {
        Wallet = wallet;
        Brand = card.Brand;
        Bin = card.Bin;
        LastFour = card.LastFour;
        ExpiryYear = expiry.Year;
        ExpiryMonth = expiry.Month;
        HolderName = holder;
        EncryptedPan = pan.Ciphertext;
        KeyId = pan.KeyId;
        Fingerprint = fingerprint;
        Confirmed = false; // until a payment with it is approved
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public long WalletId { get; private set; }

    public Wallet Wallet { get; private set; } = default!;

    public CardBrand Brand { get; private set; }

    public string Bin { get; private set; } = "";

    public string LastFour { get; private set; } = "";

    public int ExpiryYear { get; private set; }

    public int ExpiryMonth { get; private set; }

    public CardExpiry Expiry => new(ExpiryYear, ExpiryMonth);

    public string? HolderName { get; private set; }

    /// <summary>nonce ‖ tag ‖ ciphertext of the PAN under the key <see cref="KeyId"/>.</summary>
    public byte[] EncryptedPan { get; private set; } = [];

    public string KeyId { get; private set; } = "";

    /// <summary>HMAC-SHA256 of the PAN under a key outside the database: finds the same card again.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>False after a declined payment with this card (rule 6): full entry and the offer next time.</summary>
    public bool Confirmed { get; private set; }

    public int SuccessfulPayments { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? LastUsedAt { get; private set; }

    public DateTime? DeletedAt { get; private set; }

    /// <summary>Too many wrong CVCs: no one-click payment with this card until then.</summary>
    public DateTime? LockedUntil { get; private set; }

    public bool IsLocked(DateTime now) => LockedUntil > now;

    /// <inheritdoc cref="Usable"/>
    public bool IsUsable => UsableNow(this);

    /// <summary>Locks the card for one-click payments after too many wrong CVCs (the count is the caller's, from the sales).</summary>
    public void LockForOneClick(DateTime until)
    {
        if (LockedUntil is null || until > LockedUntil)
        {
            LockedUntil = until;
        }
    }

    /// <summary>
    /// Why this card cannot pay the order from this browser; null when it can. The card must be usable
    /// and belong to the order's wallet: the customer's (customerNumber, in the shop's union) or else
    /// this browser's at this shop. An instant payment's token already proved shop and browser; a card
    /// chosen on the page must also have reached the shop's minimum payments. The wallet and its
    /// customer must be loaded.
    /// </summary>
    public string? RefusalFor(Order order, Shop shop, string? browserIdHash, bool instant)
    {
        if (!IsUsable)
        {
            return "the card is deleted or unconfirmed";
        }

        if (!Wallet.ServesShop(shop.Id, shop.CustomerUnionId))
        {
            return "the card belongs to another shop";
        }

        if (Wallet.Customer is { MayUseOneClick: false })
        {
            return "the merchant set this customer to Deny";
        }

        if (order.CustomerNumber is not null && Wallet.Customer?.Number != order.CustomerNumber)
        {
            return "the card belongs to another customer";
        }

        if (instant)
        {
            return null;
        }

        if (order.CustomerNumber is null && (Wallet.Customer is not null || Wallet.BrowserIdHash != browserIdHash))
        {
            return "the card belongs to another browser";
        }

        return SuccessfulPayments < shop.SavedCardMinimumPayments ? "the card has not reached the shop's minimum payments" : null;
    }

    /// <summary>As the buyer sees it, e.g. <c>Visa •••• 4242</c>.</summary>
    public string Display => $"{Brand.DisplayName()} •••• {LastFour}";

    public string Truncated => Bin + new string('X', Brand == CardBrand.Amex ? 5 : 6) + LastFour;

    public EncryptedPan Pan => new(KeyId, EncryptedPan);

    public void Renew(CardExpiry expiry, string? holder, DateTime now)
    {
        RequireNotDeleted();
        ExpiryYear = expiry.Year;
        ExpiryMonth = expiry.Month;
        HolderName = holder ?? HolderName;
        LastUsedAt = now;
    }

    /// <summary>An approved payment confirms the card; false (and nothing changes) when the buyer deleted it meanwhile.</summary>
    public bool PaymentSucceeded(DateTime now)
    {
        if (DeletedAt is not null)
        {
            return false;
        }

        SuccessfulPayments++;
        Confirmed = true;
        LastUsedAt = now;
        return true;
    }

    /// <summary>
    /// A declined payment sets the card back to unconfirmed (rule 6); a card that never paid is
    /// forgotten at once, unless another payment with it is still waiting for its answer. A wrong CVC
    /// typed for a saved card says nothing against the card: it counts towards the lock instead.
    /// </summary>
    public void PaymentDeclined(DateTime now, bool otherPaymentsPending = false, Sales.DeclineReason? reason = null)
    {
        if (reason == Sales.DeclineReason.IncorrectCvc && SuccessfulPayments > 0)
        {
            LastUsedAt = now;
            return;
        }

        if (SuccessfulPayments == 0 && !otherPaymentsPending)
        {
            Delete(now);
            return;
        }

        Confirmed = false;
        LastUsedAt = now;
    }

    /// <summary>Forgets the card: the encrypted number is wiped, only the masked form stays for the history.</summary>
    public void Delete(DateTime now)
    {
        if (DeletedAt is not null)
        {
            return;
        }

        DeletedAt = now;
        EncryptedPan = [];
        Confirmed = false;
    }

    private void RequireNotDeleted()
    {
        if (DeletedAt is not null)
        {
            throw new InvalidOperationException($"Saved card {Id} was deleted.");
        }
    }
}

/// <summary>An encrypted card number and the id of the key that encrypted it (so keys can rotate).</summary>
public sealed record EncryptedPan(string KeyId, byte[] Ciphertext);
