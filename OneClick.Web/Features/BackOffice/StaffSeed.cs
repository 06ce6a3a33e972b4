using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.BackOffice;

/// <summary>
/// The back-office roles, and the log-ins an operator configures (PROTOCOL.md section 9:
/// <c>OneClick:Seed:OwnerEmail</c> / <c>OwnerPassword</c>; also <c>AdminEmail</c> / <c>AdminPassword</c>).
/// </summary>
public sealed class StaffSeed(UserManager<StaffUser> users, RoleManager<IdentityRole<int>> roles, IOptions<OneClickOptions> options, TimeProvider clock, ILogger<StaffSeed> logger)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<int>(role));
            }
        }
    }

    /// <summary>The seeded merchant's owner, and a gateway administrator, where configured.</summary>
    public async Task ApplyAsync(int merchantId)
    {
        var seed = options.Value.Seed;
        await EnsureAsync(seed.OwnerEmail, seed.OwnerPassword, StaffRoles.Owner, merchantId);
        await EnsureAsync(seed.AdminEmail, seed.AdminPassword, StaffRoles.Administrator, merchantId: null);
    }

    private async Task EnsureAsync(string? email, string? password, string role, int? merchantId)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return;
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId, DisplayName = email, CreatedAt = clock.GetUtcNow().UtcDateTime };
            Require(await users.CreateAsync(user), email);
        }

        // The operator's configured password is set as given (an outside test knows it), even one
        // shorter than the policy asks of people choosing their own; it is said in the log.
        if (!await users.CheckPasswordAsync(user, password))
        {
            if (password.Length < 12)
            {
                logger.LogWarning("The configured password for {Email} is shorter than 12 characters", email);
            }

            user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
            Require(await users.UpdateSecurityStampAsync(user), email);
        }

        if (!await users.IsInRoleAsync(user, role))
        {
            Require(await users.AddToRoleAsync(user, role), email);
        }

        logger.LogInformation("Back-office log-in {Email} ({Role}) is ready", email, role);
    }

    private static void Require(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The back-office log-in {email} could not be seeded: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
