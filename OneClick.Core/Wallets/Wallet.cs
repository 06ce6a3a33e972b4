using OneClick.Core.Cards;

namespace OneClick.Core.Wallets;

/// <summary>
/// The saved cards of one buyer at one shop. Without a customerNumber the buyer is a browser: the
/// wallet is found by the hash of the random id in the gateway's remembered-card cookie.
/// </summary>
public sealed class Wallet
{
    private readonly List<SavedCard> cards = [];

    private Wallet()
    {
    }

    public Wallet(int shopId, string browserIdHash, DateTime now)
    {
        ArgumentException.ThrowIfNullOrEmpty(browserIdHash);
        ShopId = shopId;
        BrowserIdHash = browserIdHash;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public int ShopId { get; private set; }

    /// <summary>SHA-256 of the browser's cookie value: the cookie itself is never stored.</summary>
    public string BrowserIdHash { get; private set; } = "";

    public DateTime CreatedAt { get; private set; }

    public IReadOnlyCollection<SavedCard> Cards => cards;

    /// <summary>The cards the order page offers: saved, not deleted, confirmed by a successful payment.</summary>
    public IEnumerable<SavedCard> UsableCards => cards.Where(c => c.DeletedAt is null && c.Confirmed).OrderByDescending(c => c.LastUsedAt ?? c.CreatedAt);

    /// <summary>
    /// Remembers a card for a payment about to be made; it is offered only once a payment with it is
    /// approved. The same number again (found by its keyed hash) updates the card already saved, e.g.
    /// a re-issued card's new expiry, instead of adding another.
    /// </summary>
    public SavedCard Remember(CardNumber card, CardExpiry expiry, string? holder, EncryptedPan pan, string fingerprint, DateTime now)
    {
        var existing = cards.FirstOrDefault(c => c.DeletedAt is null && c.Fingerprint == fingerprint);
        if (existing is not null)
        {
            existing.Renew(expiry, holder, now);
            return existing;
        }

        var saved = new SavedCard(this, card, expiry, holder, pan, fingerprint, now);
        cards.Add(saved);
        return saved;
    }
}
