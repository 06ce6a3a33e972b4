using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice;

/// <summary>
/// A staff session lives only as long as the person's security stamp: every request compares the
/// stamp in the cookie with the stored one (one indexed read), so sign-out, a new password, removal,
/// a role change or two-factor turned off end every copy of every session at once, not after
/// Identity's 30-minute re-validation (decision 018).
/// </summary>
public static class StaffSessions
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        if (!await IsCurrentAsync(context.Principal, claims, services.GetRequiredService<OneClickDbContext>(), context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        // Identity's own validator still refreshes the roles and claims of a valid session now and then.
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>
    /// Whether a session's person still holds the security stamp the session was given: the one rule
    /// for a request (above) and for every operation of an interactive page, whose circuit keeps the
    /// principal it started with (<see cref="CurrentStaff.IsCurrentAsync"/>).
    /// </summary>
    public static async Task<bool> IsCurrentAsync(ClaimsPrincipal? principal, ClaimsIdentityOptions claims, OneClickDbContext db, CancellationToken cancellationToken)
    {
        var stamp = principal?.FindFirst(claims.SecurityStampClaimType)?.Value;
        return int.TryParse(principal?.FindFirst(claims.UserIdClaimType)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && stamp is not null
            && await db.Users.AsNoTracking().AnyAsync(u => u.Id == id && u.SecurityStamp == stamp, cancellationToken);
    }
}

/// <summary>
/// Identity's user manager, except that a role change also changes the security stamp (Identity
/// changes it for passwords and two-factor, not for roles): the person's sessions, which carry the
/// old roles, end at once.
/// </summary>
public sealed class StaffUserManager(
    IUserStore<StaffUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<StaffUser> passwordHasher,
    IEnumerable<IUserValidator<StaffUser>> userValidators,
    IEnumerable<IPasswordValidator<StaffUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<StaffUser>> logger)
    : UserManager<StaffUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> AddToRoleAsync(StaffUser user, string role) =>
        await EndSessionsIfAsync(user, await base.AddToRoleAsync(user, role));

    public override async Task<IdentityResult> AddToRolesAsync(StaffUser user, IEnumerable<string> roles) =>
        await EndSessionsIfAsync(user, await base.AddToRolesAsync(user, roles));

    public override async Task<IdentityResult> RemoveFromRoleAsync(StaffUser user, string role) =>
        await EndSessionsIfAsync(user, await base.RemoveFromRoleAsync(user, role));

    public override async Task<IdentityResult> RemoveFromRolesAsync(StaffUser user, IEnumerable<string> roles) =>
        await EndSessionsIfAsync(user, await base.RemoveFromRolesAsync(user, roles));

    /// <summary>
    /// The key shown on the set-up page of a person without two factors: no code of it is asked for
    /// yet, so making it ends no session (<see cref="UserManager{TUser}.ResetAuthenticatorKeyAsync"/>
    /// would sign the person out of the page they are setting it up on). With two factors on, the
    /// key is in use and changing it ends every session.
    /// </summary>
    public async Task<IdentityResult> SetUpAuthenticatorKeyAsync(StaffUser user)
    {
        if (user.TwoFactorEnabled)
        {
            return await ResetAuthenticatorKeyAsync(user);
        }

        await ((IUserAuthenticatorKeyStore<StaffUser>)Store).SetAuthenticatorKeyAsync(user, GenerateNewAuthenticatorKey(), CancellationToken);
        return await UpdateUserAsync(user);
    }

    private async Task<IdentityResult> EndSessionsIfAsync(StaffUser user, IdentityResult result) =>
        result.Succeeded ? await UpdateSecurityStampAsync(user) : result;
}
