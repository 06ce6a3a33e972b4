using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Queries;

public sealed record ShopRow(int Id, string Name, string Merchant, string WebsiteUrl, OneClickStatus Status);

public sealed record MerchantChoice(int Id, string Name);

/// <param name="Merchants">Every merchant, for an administrator's new shop; empty for anyone else.</param>
public sealed record ShopListView(IReadOnlyList<ShopRow> Shops, IReadOnlyList<MerchantChoice> Merchants);

/// <summary>The shops list: an owner's own merchant's shops, every shop for an administrator.</summary>
public sealed class ShopListQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async Task<ShopListView> RunAsync(CancellationToken cancellationToken)
    {
        // Owners and administrators, as the page's policy says; a query is also called from elsewhere.
        if (!staff.MayManageMerchant)
        {
            return new ShopListView([], []);
        }

        var shops = await (await staff.ShopsAsync())
            .Join(db.Merchants.AsNoTracking(), s => s.MerchantId, m => m.Id, (s, m) => new { s.Id, s.Name, Merchant = m.Name, s.WebsiteUrl, s.OneClickEnabled, s.OneClickRequest })
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var merchants = staff.IsAdministrator
            ? await db.Merchants.AsNoTracking().OrderBy(m => m.Name).ThenBy(m => m.Id).Select(m => new MerchantChoice(m.Id, m.Name)).ToListAsync(cancellationToken)
            : [];
        return new ShopListView(
            [.. shops.Select(s => new ShopRow(s.Id, s.Name, s.Merchant, s.WebsiteUrl, Shop.StatusOf(s.OneClickEnabled, s.OneClickRequest)))],
            merchants);
    }
}
