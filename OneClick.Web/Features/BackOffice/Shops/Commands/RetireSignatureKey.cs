using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record RetireSignatureKeyOutcome
{
    public sealed record Retired(int KeyId) : RetireSignatureKeyOutcome;

    /// <summary>Not an active key of this shop (another shop's, already retired, or none).</summary>
    public sealed record NotActive : RetireSignatureKeyOutcome;

    /// <summary>The shop's only active key: a new one must be created first.</summary>
    public sealed record LastActiveKey : RetireSignatureKeyOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : RetireSignatureKeyOutcome;
}

/// <summary>Retires a shop's older signature key, the last step of a rotation: signatures made with it are refused from then on.</summary>
public sealed class RetireSignatureKey(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "shop.key.retire";

    public async Task<RetireSignatureKeyOutcome> RunAsync(int shopId, int keyId, CancellationToken cancellationToken)
    {
        var shop = await ShopScope.FindAsync(db, staff, shopId, cancellationToken);
        if (shop is null)
        {
            return new RetireSignatureKeyOutcome.NotFound();
        }

        var key = shop.SignatureKeys.FirstOrDefault(k => k.Id == keyId && k.RetiredAt is null);
        if (key is null)
        {
            ShopScope.Forget(db, shop);
            return new RetireSignatureKeyOutcome.NotActive();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            shop.RetireSignatureKey(key, now);
        }
        catch (InvalidOperationException)
        {
            ShopScope.Forget(db, shop);
            return new RetireSignatureKeyOutcome.LastActiveKey();
        }

        await audit.RecordAsync(Action, ShopWords.Subject(shop.Id), shop.MerchantId, new { keyId = key.Id, retiredAt = (DateTime?)null }, new { keyId = key.Id, retiredAt = now });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new RetireSignatureKeyOutcome.Retired(key.Id);
    }
}
