using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Administration.Queries;

public sealed record OneClickRequestRow(int ShopId, string Shop, string Merchant);

public sealed record UnionShopRow(int Id, string Name, string Merchant, int UnionId);

public sealed record UnionRow(int Id, string Name, IReadOnlyList<UnionShopRow> Shops);

/// <param name="Shops">Every shop, for the move into a union.</param>
public sealed record AdministrationOverview(IReadOnlyList<OneClickRequestRow> Requests, IReadOnlyList<UnionRow> Unions, IReadOnlyList<UnionShopRow> Shops);

/// <summary>The administrators' page: pending One Click requests, customer unions and their shops. Empty for anyone else.</summary>
public sealed class AdministrationOverviewQuery(OneClickDbContext db, CurrentStaff staff)
{
    public async Task<AdministrationOverview> RunAsync(CancellationToken cancellationToken)
    {
        if (!staff.IsAdministrator)
        {
            return new AdministrationOverview([], [], []);
        }

        var all = await (await staff.ShopsAsync())
            .Join(db.Merchants.AsNoTracking(), s => s.MerchantId, m => m.Id, (s, m) => new { s.Id, s.Name, s.CustomerUnionId, s.OneClickRequest, s.OneClickEnabled, Merchant = m.Name })
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var shops = all.Select(s => new UnionShopRow(s.Id, s.Name, s.Merchant, s.CustomerUnionId)).ToList();
        var requests = all
            .Where(s => Shop.StatusOf(s.OneClickEnabled, s.OneClickRequest) == OneClickStatus.Requested)
            .Select(s => new OneClickRequestRow(s.Id, s.Name, s.Merchant))
            .ToList();
        var unions = await db.CustomerUnions.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Name }).ToListAsync(cancellationToken);
        return new AdministrationOverview(
            requests,
            [.. unions.Select(u => new UnionRow(u.Id, u.Name, [.. shops.Where(s => s.UnionId == u.Id)]))],
            shops);
    }
}
