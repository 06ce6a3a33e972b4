using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Staff;

/// <summary>
/// Who is signed in, and the one place every back-office query takes its scope from: staff and
/// owners see their own merchant's shops only, whatever id a URL carries; administrators see all.
/// </summary>
public sealed class CurrentStaff(IHttpContextAccessor http, UserManager<StaffUser> users, OneClickDbContext db)
{
    private StaffUser? user;

    public ClaimsPrincipal Principal => http.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAdministrator => Principal.IsInRole(StaffRoles.Administrator);

    public bool IsOwner => Principal.IsInRole(StaffRoles.Owner);

    /// <summary>Owners, and administrators for any merchant, may change shops, keys and settings.</summary>
    public bool MayManageMerchant => IsAdministrator || IsOwner;

    public async Task<StaffUser?> UserAsync()
    {
        if (user is null && Principal.Identity?.IsAuthenticated == true)
        {
            user = await users.GetUserAsync(Principal);
        }

        return user;
    }

    /// <summary>The merchant whose data is shown; null for an administrator (all merchants).</summary>
    public async Task<int?> MerchantIdAsync() => IsAdministrator ? null : (await UserAsync())?.MerchantId ?? -1;

    /// <summary>The shops this person may see: the only starting point for sales, customers and postbacks.</summary>
    public async Task<IQueryable<Shop>> ShopsAsync()
    {
        var merchantId = await MerchantIdAsync();
        return merchantId is null ? db.Shops.AsNoTracking() : db.Shops.AsNoTracking().Where(s => s.MerchantId == merchantId);
    }

    /// <summary>The ids of <see cref="ShopsAsync"/>, for filtering other tables.</summary>
    public async Task<List<int>> ShopIdsAsync() => await (await ShopsAsync()).Select(s => s.Id).ToListAsync();

    /// <summary>The shops of <see cref="ShopsAsync"/> by name, for a list's shop filter.</summary>
    public async Task<List<(int Id, string Name)>> ShopChoicesAsync(CancellationToken cancellationToken) =>
        (await (await ShopsAsync()).OrderBy(s => s.Name).ThenBy(s => s.Id).Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken))
            .Select(s => (s.Id, s.Name)).ToList();

    /// <summary>Whether a shop is this person's to see (a URL may carry any id).</summary>
    public async Task<bool> MaySeeShopAsync(int shopId) => await (await ShopsAsync()).AnyAsync(s => s.Id == shopId);
}
