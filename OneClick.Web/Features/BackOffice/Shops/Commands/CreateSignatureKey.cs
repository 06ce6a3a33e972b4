using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record CreateSignatureKeyOutcome
{
    /// <param name="Secret">To show once: no later page can show it again.</param>
    public sealed record Created(string Secret) : CreateSignatureKeyOutcome;

    /// <summary>The shop has two active keys already: the older one must be retired first.</summary>
    public sealed record TooManyKeys : CreateSignatureKeyOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : CreateSignatureKeyOutcome;
}

/// <summary>A new signature key for a shop, the first step of a rotation; audited without the key.</summary>
public sealed class CreateSignatureKey(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "shop.key.create";

    public async Task<CreateSignatureKeyOutcome> RunAsync(int shopId, CancellationToken cancellationToken)
    {
        var shop = await ShopScope.FindAsync(db, staff, shopId, cancellationToken);
        if (shop is null)
        {
            return new CreateSignatureKeyOutcome.NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = SignatureKeySecret.New();
        try
        {
            shop.AddSignatureKey(secret, now);
        }
        catch (InvalidOperationException)
        {
            ShopScope.Forget(db, shop);
            return new CreateSignatureKeyOutcome.TooManyKeys();
        }

        await audit.RecordAsync(Action, ShopWords.Subject(shop.Id), shop.MerchantId, null, new { createdAt = now, activeKeys = shop.SignatureKeys.Count(k => k.RetiredAt is null) });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new CreateSignatureKeyOutcome.Created(secret);
    }
}
