using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Back-office people for tests: an owner, a staff member or an administrator, signed in through the
/// real log-in page, with a browser (a <see cref="Buyer"/>: same form handling) that keeps the session.
/// </summary>
public static class BackOfficeStaff
{
    public const string Password = "a long enough test passphrase";

    /// <summary>The seeded demo merchant's id (the merchant of <see cref="GatewayFactory.ShopId"/>).</summary>
    public static Task<int> SeededMerchantIdAsync(GatewayFactory gateway) =>
        gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == GatewayFactory.ShopId).Select(s => s.MerchantId).SingleAsync());

    /// <summary>The merchant of a shop added with <see cref="GatewayFactory.AddShopAsync"/>.</summary>
    public static Task<int> MerchantOfShopAsync(GatewayFactory gateway, int shopId) =>
        gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == shopId).Select(s => s.MerchantId).SingleAsync());

    /// <summary>
    /// Creates a person with a role (merchant null for an administrator) and signs them in, in
    /// <paramref name="browser"/> when given (e.g. one whose cookies a test records).
    /// </summary>
    public static async Task<Buyer> SignedInAsync(GatewayFactory gateway, string role, int? merchantId, string? email = null, Buyer? browser = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{merchantId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}-{UniqueText.Letters()}@staff.test";
        string? authenticatorKey = null;
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var user = await CreatePersonAsync(gateway, scope.ServiceProvider, role, merchantId, email);
            if (role == StaffRoles.Administrator)
            {
                // Administrators must sign in with two factors: this one has an authenticator app.
                var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
                Require(await users.ResetAuthenticatorKeyAsync(user));
                authenticatorKey = await users.GetAuthenticatorKeyAsync(user);
                Require(await users.SetTwoFactorEnabledAsync(user, true));
            }
        }

        browser ??= Buyer.Of(gateway);
        var login = await browser.GetAsync("/account/login");
        var page = await browser.SubmitAsync(login, "Sign in", new() { ["Input.Email"] = email, ["Input.Password"] = Password });
        if (authenticatorKey is not null)
        {
            page = await browser.SubmitAsync(page, "Sign in", new() { ["Input.Code"] = Totp.Code(authenticatorKey, gateway.Clock.GetUtcNow()) });
        }

        page.Heading.ShouldBe("Dashboard", $"{email} could not sign in: {page.Text}");
        return browser;
    }

    /// <summary>A person with a password and one role (merchant null for an administrator), created at the gateway's clock.</summary>
    public static async Task<StaffUser> CreatePersonAsync(GatewayFactory gateway, IServiceProvider services, string role, int? merchantId, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@staff.test";
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId, DisplayName = email, CreatedAt = gateway.Clock.GetUtcNow().UtcDateTime };
        Require(await users.CreateAsync(user, Password));
        Require(await users.AddToRoleAsync(user, role));
        return user;
    }

    private static void Require(IdentityResult result) =>
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));
}
