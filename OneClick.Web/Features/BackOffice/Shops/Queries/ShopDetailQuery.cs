using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Queries;

/// <summary>A signature key as its shop's page lists it: never its secret.</summary>
public sealed record SignatureKeyRow(int Id, DateTime CreatedAt, DateTime? RetiredAt)
{
    public bool IsActive => RetiredAt is null;
}

/// <summary>An API key as its shop's page lists it: its prefix only, never its hash.</summary>
public sealed record ApiKeyRow(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? RevokedAt)
{
    public bool IsActive => RevokedAt is null;
}

/// <param name="Settings">A new form filled with the saved settings, for the page to bind.</param>
/// <param name="MerchantName">For an administrator, who sees every merchant's shops; null for an owner.</param>
public sealed record ShopDetail(int Id, string Name, OneClickStatus OneClickStatus, ShopSettingsForm Settings, string? MerchantName, IReadOnlyList<SignatureKeyRow> SignatureKeys, IReadOnlyList<ApiKeyRow> ApiKeys);

/// <summary>
/// A shop's page: a shop of this person's merchant (any, for an administrator), for owners and
/// administrators only; null for another merchant's exactly as for one that does not exist. The
/// entity stays inside: it holds the signature keys' secrets, which no page shows.
/// </summary>
public sealed class ShopDetailQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async Task<ShopDetail?> RunAsync(int shopId, CancellationToken cancellationToken)
    {
        if (!staff.MayManageMerchant)
        {
            return null;
        }

        var shop = await (await staff.ShopsAsync()).AsSingleQuery().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken);
        if (shop is null)
        {
            return null;
        }

        var apiKeys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ShopId == shopId)
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
        var merchantName = staff.IsAdministrator
            ? await db.Merchants.AsNoTracking().Where(m => m.Id == shop.MerchantId).Select(m => m.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        var keys = shop.SignatureKeys
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new SignatureKeyRow(k.Id, k.CreatedAt, k.RetiredAt))
            .ToList();
        return new ShopDetail(shop.Id, shop.Name, shop.OneClickStatus, ShopSettingsForm.From(shop), merchantName, keys, apiKeys);
    }
}
