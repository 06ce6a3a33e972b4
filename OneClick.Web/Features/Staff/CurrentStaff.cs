using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Shops;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Staff;

/// <summary>
/// Who is signed in, and the one place every back-office query takes its scope from: staff and
/// owners see their own merchant's shops only, whatever id a URL carries; administrators see all.
/// </summary>
public sealed class CurrentStaff(IHttpContextAccessor http, UserManager<StaffUser> users, OneClickDbContext db, IOptions<IdentityOptions> identity)
{
    private StaffUser? user;
    private ClaimsPrincipal? circuitPrincipal;

    /// <summary>The request's person, or the person an interactive page's operation runs for (<see cref="ActFor"/>).</summary>
    public ClaimsPrincipal Principal => circuitPrincipal ?? http.HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>
    /// Makes this scope act for the person of a circuit: an interactive page has no request of its
    /// own, so <see cref="StaffOperations"/> hands over the principal the circuit holds.
    /// </summary>
    public void ActFor(ClaimsPrincipal principal)
    {
        if (user is not null || circuitPrincipal is not null)
        {
            throw new InvalidOperationException("A scope acts for one person, set before it is first asked.");
        }

        circuitPrincipal = principal;
    }

    /// <summary>Whether this person's session still stands: same rule as every request's (<see cref="StaffSessions.IsCurrentAsync"/>).</summary>
    public Task<bool> IsCurrentAsync(CancellationToken cancellationToken) =>
        StaffSessions.IsCurrentAsync(Principal, identity.Value.ClaimsIdentity, db, cancellationToken);

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
