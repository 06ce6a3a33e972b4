using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record UpdateShopSettingsOutcome
{
    /// <param name="Changed">False when the form held the settings the shop already had (nothing audited).</param>
    public sealed record Saved(bool Changed) : UpdateShopSettingsOutcome;

    /// <summary>Nothing saved: the message of each field that is not valid, keyed by field.</summary>
    public sealed record Refused(IReadOnlyDictionary<string, string> Errors) : UpdateShopSettingsOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : UpdateShopSettingsOutcome;
}

/// <summary>An owner (or an administrator) saves a shop's settings: every field valid, or nothing saved; the changed ones audited.</summary>
public sealed class UpdateShopSettings(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string Action = "shop.update";

    public async Task<UpdateShopSettingsOutcome> RunAsync(int shopId, ShopSettingsForm input, CancellationToken cancellationToken)
    {
        var shop = await ShopScope.FindAsync(db, staff, shopId, cancellationToken);
        if (shop is null)
        {
            return new UpdateShopSettingsOutcome.NotFound();
        }

        var before = ShopSettingsForm.Snapshot(shop);
        var errors = input.ApplyTo(shop);
        if (errors.Count > 0)
        {
            // The shop is half-changed by now: none of it may reach a later save.
            ShopScope.Forget(db, shop);
            return new UpdateShopSettingsOutcome.Refused(errors);
        }

        var after = ShopSettingsForm.Snapshot(shop);
        var changed = after.Keys.Where(k => before[k] != after[k]).ToList();
        if (changed.Count > 0)
        {
            await audit.RecordAsync(Action, ShopWords.Subject(shop.Id), shop.MerchantId,
                changed.ToDictionary(k => k, k => before[k]), changed.ToDictionary(k => k, k => after[k]));
        }

        await gate.SaveChangesAsync(db, cancellationToken);
        return new UpdateShopSettingsOutcome.Saved(changed.Count > 0);
    }
}
