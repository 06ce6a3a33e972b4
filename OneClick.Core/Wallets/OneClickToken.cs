using System.Linq.Expressions;

namespace OneClick.Core.Wallets;

public enum OneClickTokenState
{
    Active,

    /// <summary>Spent by a one-click purchase, whatever its sale's result: single use.</summary>
    Used,
    Expired,

    /// <summary>The card was deleted.</summary>
    Revoked,
}

/// <summary>
/// A single-use bearer token for one saved card, bound to one shop and one browser. The database
/// holds its hash (to find it) and a random seed; the token itself is an HMAC of the seed under a key
/// kept outside the database, so a copy of the database holds no usable token.
/// </summary>
public sealed class OneClickToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private OneClickToken()
    {
    }

    public OneClickToken(int shopId, long savedCardId, string browserIdHash, byte[] seed, string tokenHash, long issuedBySaleId, DateTime now)
    {
        ShopId = shopId;
        SavedCardId = savedCardId;
        BrowserIdHash = browserIdHash;
        Seed = seed;
        TokenHash = tokenHash;
        IssuedBySaleId = issuedBySaleId;
        State = OneClickTokenState.Active;
        IssuedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public long Id { get; private set; }

    public int ShopId { get; private set; }

    public long SavedCardId { get; private set; }

    public string BrowserIdHash { get; private set; } = "";

    public byte[] Seed { get; private set; } = [];

    /// <summary>SHA-256 of the token, hex.</summary>
    public string TokenHash { get; private set; } = "";

    public long IssuedBySaleId { get; private set; }

    public OneClickTokenState State { get; private set; }

    public DateTime IssuedAt { get; private set; }

    public DateTime ExpiresAt { get; private set; }

    public DateTime? UsedAt { get; private set; }

    public long? UsedBySaleId { get; private set; }

    /// <summary>
    /// When the approval page put this token into the buyer's redirect to the merchant: once only,
    /// so that the order page's link, reopened later or elsewhere, shows no token (docs/protocol.md
    /// section 4, rule 11). The postback and the status page still carry it.
    /// </summary>
    public DateTime? HandedOverAt { get; private set; }

    /// <summary>Puts the token into the approval page's redirect: the first time only; false ever after.</summary>
    public bool HandOver(DateTime now)
    {
        if (HandedOverAt is not null)
        {
            return false;
        }

        HandedOverAt = now;
        return true;
    }

    /// <summary>Why this token cannot pay here and now; null when it can.</summary>
    public string? RefusalFor(int shopId, string? browserIdHash, DateTime now) =>
        State != OneClickTokenState.Active ? $"the token is {State.ToString().ToLowerInvariant()}"
        : now >= ExpiresAt ? "the token has expired"
        : shopId != ShopId ? "the token belongs to another shop"
        : browserIdHash != BrowserIdHash ? "the token belongs to another browser"
        : null;

    /// <summary>Records the sale that spent this token; the first one stays (a token pays once).</summary>
    public void AttachSale(long saleId) => UsedBySaleId ??= saleId;

    /// <summary>Whether the token can still be spent: active and inside its 30 days.</summary>
    public bool IsSpendableAt(DateTime now) => State == OneClickTokenState.Active && now < ExpiresAt;

    /// <summary>The state a reader should see: an active token past its time reads Expired before the job has run.</summary>
    public OneClickTokenState StateAt(DateTime now) => State == OneClickTokenState.Active && now >= ExpiresAt ? OneClickTokenState.Expired : State;

    /// <summary>A one-click purchase takes the token: once, and only while it is spendable.</summary>
    public void Spend(DateTime now)
    {
        if (!IsSpendableAt(now))
        {
            throw new OneClickTokenStateException($"Only an active token inside its lifetime can be spent; this one is {StateAt(now)}.");
        }

        State = OneClickTokenState.Used;
        UsedAt = now;
    }

    /// <summary>Its card was deleted, declined or denied: the token ends unspent.</summary>
    public void Revoke()
    {
        if (State != OneClickTokenState.Active)
        {
            throw new OneClickTokenStateException($"Only an active token can be revoked; this one is {State}.");
        }

        State = OneClickTokenState.Revoked;
    }

    /// <summary>Ends a token that reached its 30 days unspent.</summary>
    public void Expire(DateTime now)
    {
        if (State != OneClickTokenState.Active || now < ExpiresAt)
        {
            throw new OneClickTokenStateException($"Only an active token past {ExpiresAt:u} can expire; this one is {State}.");
        }

        State = OneClickTokenState.Expired;
    }

    // The same rules as the methods above, for the set-based statements that move many tokens, or one
    // against a racing request, in SQL. OneClickTokenTests checks each against its method.

    /// <summary>The tokens <see cref="Spend"/> accepts at <paramref name="now"/>.</summary>
    public static Expression<Func<OneClickToken, bool>> SpendableAt(DateTime now) =>
        t => t.State == OneClickTokenState.Active && now < t.ExpiresAt;

    /// <summary>The tokens <see cref="Expire"/> accepts at <paramref name="now"/>.</summary>
    public static Expression<Func<OneClickToken, bool>> ExpirableAt(DateTime now) =>
        t => t.State == OneClickTokenState.Active && now >= t.ExpiresAt;

    /// <summary>The tokens <see cref="Revoke"/> accepts.</summary>
    public static Expression<Func<OneClickToken, bool>> Revocable { get; } =
        t => t.State == OneClickTokenState.Active;
}

public sealed class OneClickTokenStateException(string message) : InvalidOperationException(message);
