using OneClick.Core.Cards;
using OneClick.Core.Customers;

namespace OneClick.Core.Wallets;

/// <summary>
/// The saved cards of one buyer. With a customerNumber the buyer is a <see cref="Customer"/> and the
/// wallet is theirs in every shop of the customer union and in any browser (rule 5). Without one the
/// buyer is a browser at one shop: the wallet is found by the hash of the random id in the gateway's
/// remembered-card cookie.
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

    public Wallet(Customer customer, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        Customer = customer;
        CustomerId = customer.Id;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    /// <summary>The shop of a browser's wallet; null for a customer's, which every shop of the union shares.</summary>
    public int? ShopId { get; private set; }

    /// <summary>SHA-256 of the browser's cookie value (the cookie itself is never stored); null for a customer's wallet.</summary>
    public string? BrowserIdHash { get; private set; }

    public long? CustomerId { get; private set; }

    public Customer? Customer { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public IReadOnlyCollection<SavedCard> Cards => cards;

    /// <summary>The cards that can pay: saved, not deleted, confirmed by a successful payment; the last used first.</summary>
    public IEnumerable<SavedCard> UsableCards => cards.Where(c => c.IsUsable).OrderByDescending(c => c.LastUsedAt ?? c.CreatedAt);

    /// <summary>Cards that can pay: a customer with none (deleted, or set back by a decline) is New again.</summary>
    public bool HasSavedCards => UsableCards.Any();

    /// <summary>
    /// The cards the order page offers: usable ones that reached the shop's minimum number of
    /// successful payments; none for a customer the merchant set to Deny.
    /// </summary>
    public IEnumerable<SavedCard> OfferedCards(int minimumPayments) =>
        Customer is { MayUseOneClick: false } ? [] : UsableCards.Where(c => c.SuccessfulPayments >= minimumPayments);

    /// <summary>Whether this wallet may pay at <paramref name="shopId"/>, a shop of <paramref name="customerUnionId"/>.</summary>
    public bool ServesShop(int shopId, int customerUnionId) =>
        Customer is { } customer ? customer.CustomerUnionId == customerUnionId : ShopId == shopId;

    /// <summary>
    /// Forgets one of this wallet's cards (rule 2): the buyer's "Delete card", or staff in the
    /// back-office. Its customer then follows the cards left (<see cref="CustomerFollowsCards"/>).
    /// </summary>
    public void ForgetCard(SavedCard card, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (!cards.Contains(card))
        {
            throw new InvalidOperationException($"Saved card {card.Id} is not a card of wallet {Id}.");
        }

        card.Delete(now);
        CustomerFollowsCards(now);
    }

    /// <summary>
    /// Rule 8: a Member left without a card that can pay (the last one forgotten, or set back by a
    /// decline) is New again, and gets full entry and the offer next time. A Deny stays.
    /// </summary>
    public void CustomerFollowsCards(DateTime now)
    {
        if (!HasSavedCards)
        {
            Customer?.CardsGone(now);
        }
    }

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
