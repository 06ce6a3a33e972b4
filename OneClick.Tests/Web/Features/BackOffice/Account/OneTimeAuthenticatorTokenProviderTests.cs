using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Account;

/// <summary>
/// Issue 16: one administrator's app code signed in two sessions, and a code 60 seconds old was
/// taken. A code now works once per account, within one 30-second step of drift.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProviderTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Replayed_code_is_refused_in_a_second_session()
    {
        var (email, key) = await AdministratorAsync();
        var code = Totp.Code(key, gateway.Clock.GetUtcNow());

        var first = await SignInWithCodeAsync(email, code);
        var second = await SignInWithCodeAsync(email, code);

        first.Heading.ShouldBe("Dashboard");
        second.Heading.ShouldBe("Enter your code");
        second.Text.ShouldContain("That code is not right.");
    }

    [Fact]
    public async Task Code_two_steps_old_is_refused()
    {
        var (email, key) = await AdministratorAsync();

        var page = await SignInWithCodeAsync(email, Totp.Code(key, gateway.Clock.GetUtcNow().AddSeconds(-2 * 30)));

        page.Heading.ShouldBe("Enter your code");
        page.Text.ShouldContain("That code is not right.");
    }

    [Fact]
    public async Task Next_steps_code_after_a_used_one_is_accepted()
    {
        var (email, key) = await AdministratorAsync();
        (await SignInWithCodeAsync(email, Totp.Code(key, gateway.Clock.GetUtcNow()))).Heading.ShouldBe("Dashboard");

        // One step ahead (a phone's clock drifts), then the step after on the gateway's clock.
        var ahead = await SignInWithCodeAsync(email, Totp.Code(key, gateway.Clock.GetUtcNow().AddSeconds(30)));
        gateway.Clock.Advance(TimeSpan.FromSeconds(2 * 30));
        var later = await SignInWithCodeAsync(email, Totp.Code(key, gateway.Clock.GetUtcNow()));

        ahead.Heading.ShouldBe("Dashboard");
        later.Heading.ShouldBe("Dashboard");
    }

    [Fact]
    public async Task Last_used_step_is_kept_with_the_person()
    {
        var (email, key) = await AdministratorAsync();
        var now = gateway.Clock.GetUtcNow();

        (await SignInWithCodeAsync(email, Totp.Code(key, now))).Heading.ShouldBe("Dashboard");

        var kept = await gateway.WithDbAsync(db => db.Users.SingleAsync(u => u.Email == email));
        kept.LastTwoFactorStep.ShouldNotBeNull().ShouldBeInRange((now.ToUnixTimeSeconds() / 30) - 1, (now.ToUnixTimeSeconds() / 30) + 1);
    }

    private async Task<(string Email, string Key)> AdministratorAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@gateway.test";
        await using var scope = gateway.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var admin = new StaffUser { UserName = email, Email = email, DisplayName = "Admin", EmailConfirmed = true, CreatedAt = gateway.Clock.GetUtcNow().UtcDateTime };
        (await users.CreateAsync(admin, BackOfficeStaff.Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(admin, StaffRoles.Administrator)).Succeeded.ShouldBeTrue();
        (await users.ResetAuthenticatorKeyAsync(admin)).Succeeded.ShouldBeTrue();
        (await users.SetTwoFactorEnabledAsync(admin, true)).Succeeded.ShouldBeTrue();
        return (email, (await users.GetAuthenticatorKeyAsync(admin)).ShouldNotBeNull());
    }

    /// <summary>A new session: the password, then the code.</summary>
    private async Task<Page> SignInWithCodeAsync(string email, string code)
    {
        var browser = Buyer.Of(gateway);
        var prompt = await SignInTests.SignInAsync(browser, email, BackOfficeStaff.Password);
        prompt.Heading.ShouldBe("Enter your code");
        return await browser.SubmitAsync(prompt, "Sign in", new() { ["Input.Code"] = code });
    }
}
