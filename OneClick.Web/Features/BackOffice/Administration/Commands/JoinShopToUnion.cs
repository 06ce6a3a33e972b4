using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Core.Shops;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Administration.Commands;

public abstract record JoinShopToUnionOutcome
{
    public sealed record Joined(int ShopId, string ShopName, int UnionId, string UnionName) : JoinShopToUnionOutcome;

    /// <summary>No shop or no union by those ids (either may be missing, each is said).</summary>
    public sealed record NotFound(bool ShopMissing, bool UnionMissing) : JoinShopToUnionOutcome;

    /// <summary>The shop is in that union already: nothing to do.</summary>
    public sealed record AlreadyInUnion(string ShopName) : JoinShopToUnionOutcome;

    /// <summary>Only a gateway administrator moves shops between unions.</summary>
    public sealed record NotAllowed : JoinShopToUnionOutcome;
}

/// <summary>
/// A gateway administrator moves a shop into another customer union. Its existing customers and their
/// saved cards stay in the old union: only customer numbers the shop sends from now on are looked up in the new one.
/// </summary>
public sealed class JoinShopToUnion(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string Action = "union.join";

    public async Task<JoinShopToUnionOutcome> RunAsync(int? shopId, int? unionId, CancellationToken cancellationToken)
    {
        if (!staff.IsAdministrator)
        {
            return new JoinShopToUnionOutcome.NotAllowed();
        }

        var shop = shopId is { } sid ? await db.Shops.Include(s => s.CustomerUnion).AsSingleQuery().SingleOrDefaultAsync(s => s.Id == sid, cancellationToken) : null;
        var union = unionId is { } uid ? await db.CustomerUnions.SingleOrDefaultAsync(u => u.Id == uid, cancellationToken) : null;
        if (shop is null || union is null || shop.CustomerUnionId == union.Id)
        {
            Forget(shop, union);
            return shop is null || union is null
                ? new JoinShopToUnionOutcome.NotFound(shop is null, union is null)
                : new JoinShopToUnionOutcome.AlreadyInUnion(shop.Name);
        }

        var before = new { unionId = shop.CustomerUnionId, union = shop.CustomerUnion?.Name };
        shop.JoinUnion(union);
        await audit.RecordAsync(Action, ShopWords.Subject(shop.Id), shop.MerchantId, before, new { unionId = union.Id, union = union.Name });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new JoinShopToUnionOutcome.Joined(shop.Id, shop.Name, union.Id, union.Name);
    }

    private void Forget(Shop? shop, CustomerUnion? union)
    {
        db.Forget(shop?.CustomerUnion, union);
        if (shop is not null)
        {
            ShopScope.Forget(db, shop);
        }
    }
}
