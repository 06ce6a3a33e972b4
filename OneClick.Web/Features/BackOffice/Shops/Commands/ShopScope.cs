using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

/// <summary>
/// The shop a command changes, checked again whatever the page showed: a form may be posted for any
/// shop id. Owners change their own merchant's shops, administrators any; staff members none.
/// </summary>
internal static class ShopScope
{
    /// <summary>The shop, tracked with its keys and limits; null for a shop this person may not change, as for one that does not exist.</summary>
    public static async Task<Shop?> FindAsync(OneClickDbContext db, CurrentStaff staff, int shopId, CancellationToken cancellationToken)
    {
        if (!staff.MayManageMerchant)
        {
            return null;
        }

        var merchantId = await staff.MerchantIdAsync();
        return await db.Shops.AsSingleQuery()
            .SingleOrDefaultAsync(s => s.Id == shopId && (merchantId == null || s.MerchantId == merchantId), cancellationToken);
    }

    /// <summary>The shop's merchant, for a change that does not touch the shop itself (nothing is tracked); null as for <see cref="FindAsync"/>.</summary>
    public static async Task<int?> MerchantOfAsync(OneClickDbContext db, CurrentStaff staff, int shopId, CancellationToken cancellationToken)
    {
        if (!staff.MayManageMerchant)
        {
            return null;
        }

        var merchantId = await staff.MerchantIdAsync();
        return await db.Shops.AsNoTracking()
            .Where(s => s.Id == shopId && (merchantId == null || s.MerchantId == merchantId))
            .Select(s => (int?)s.MerchantId)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Stops tracking the shop, its keys and its turnover limits, whatever a refused change did to them.</summary>
    public static void Forget(OneClickDbContext db, Shop shop)
    {
        // Entries() detects changes first: limits a refused form added or dropped are found too.
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            var ofShop = entry.Entity switch
            {
                Shop s => s == shop,
                ShopSignatureKey key => key.ShopId == shop.Id,
                TurnoverLimit => Equals(entry.Property("ShopId").CurrentValue, shop.Id),
                _ => false,
            };
            if (ofShop)
            {
                entry.State = EntityState.Detached;
            }
        }
    }
}
