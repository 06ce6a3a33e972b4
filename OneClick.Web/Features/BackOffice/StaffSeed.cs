using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.BackOffice;

/// <summary>
/// The back-office roles, and the log-ins an operator configures (docs/protocol.md section 9:
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

    /// <summary>A development gateway's log-ins when none is configured, printed at start: data there is local and made up.</summary>
    public const string DevelopmentOwnerEmail = "owner@demo.test";

    public const string DevelopmentAdminEmail = "admin@demo.test";

    public const string DevelopmentPassword = "demo back-office password";

    /// <summary>Whether the development log-ins above are the ones seeded: in development, with no owner configured.</summary>
    public static bool SeedsDevelopmentLogIns(SeedOptions seed, bool development) =>
        development && string.IsNullOrWhiteSpace(seed.OwnerEmail);

    /// <summary>The seeded merchant's owner, and a gateway administrator, where configured (in development, demo ones otherwise).</summary>
    public async Task ApplyAsync(int merchantId, bool development)
    {
        var seed = options.Value.Seed;
        var demoLogIns = SeedsDevelopmentLogIns(seed, development);
        var (ownerEmail, ownerPassword) = demoLogIns
            ? (DevelopmentOwnerEmail, DevelopmentPassword)
            : (seed.OwnerEmail, seed.OwnerPassword);
        var (adminEmail, adminPassword) = string.IsNullOrWhiteSpace(seed.AdminEmail) && development
            ? (DevelopmentAdminEmail, DevelopmentPassword)
            : (seed.AdminEmail, seed.AdminPassword);
        await EnsureAsync(ownerEmail, ownerPassword, StaffRoles.Owner, merchantId);
        await EnsureAsync(adminEmail, adminPassword, StaffRoles.Administrator, merchantId: null);
        if (demoLogIns)
        {
            logger.LogInformation("Personal Account (development): /account/login as {Owner} or {Admin}, password \"{Password}\"", DevelopmentOwnerEmail, DevelopmentAdminEmail, DevelopmentPassword);
        }
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
