using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Account;
using OneClick.Web.Features.BackOffice.Staff.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice;

/// <summary>
/// Issue 16: a copied <c>oneclick_staff</c> cookie outlived sign-out and a password reset. Each event
/// that changes who a person is or how they prove it ends every session of theirs at once: a copy of
/// the cookie taken before is refused on the very next request.
/// </summary>
public sealed class StaffSessionsTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public StaffSessionsTests() =>
        gateway.Set("OneClick:Seed:OwnerEmail", SignInTests.OwnerEmail).Set("OneClick:Seed:OwnerPassword", SignInTests.OwnerPassword)
            .Set("OneClick:PublicUrl", "http://localhost");

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Sign_out_refuses_a_copy_of_the_session_cookie()
    {
        var (victim, copy) = await SignedInWithCopyAsync(StaffRoles.Owner);

        await victim.SubmitAsync(await victim.GetAsync("/account"), "Sign out");

        await ShouldBeRefusedAsync(copy);
    }

    [Fact]
    public async Task Password_reset_refuses_a_copy_of_the_session_cookie()
    {
        var email = $"reset-{Guid.NewGuid():N}@staff.test";
        var (_, copy) = await SignedInWithCopyAsync(StaffRoles.Staff, email);
        string token;
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            token = await users.GeneratePasswordResetTokenAsync((await users.FindByEmailAsync(email)).ShouldNotBeNull());
        }

        // The victim resets the password from the e-mailed link, in another browser.
        var mailbox = Buyer.Of(gateway);
        var link = $"/account/reset-password?email={Uri.EscapeDataString(email)}&code={WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token))}";
        var done = await mailbox.SubmitAsync(await mailbox.GetAsync(link), "Set password", new() { ["Input.Password"] = "a brand new passphrase", ["Input.Confirm"] = "a brand new passphrase" });
        done.Text.ShouldContain("Your password is set.");

        await ShouldBeRefusedAsync(copy);
    }

    [Fact]
    public async Task Password_change_refuses_a_copy_of_the_session_cookie()
    {
        var email = $"change-{Guid.NewGuid():N}@staff.test";
        var (_, copy) = await SignedInWithCopyAsync(StaffRoles.Staff, email);

        // No page changes a password yet (the reset link does, above): Identity's own change is what one would call.
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            (await users.ChangePasswordAsync((await users.FindByEmailAsync(email)).ShouldNotBeNull(), BackOfficeStaff.Password, "another long passphrase")).Succeeded.ShouldBeTrue();
        }

        await ShouldBeRefusedAsync(copy);
    }

    [Fact]
    public async Task Removal_refuses_a_copy_of_the_removed_persons_session_cookie()
    {
        var email = $"removed-{Guid.NewGuid():N}@staff.test";
        var (_, copy) = await SignedInWithCopyAsync(StaffRoles.Staff, email);
        var personId = await gateway.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

        // As the owner's People page removes them, over the owner's circuit.
        var removed = await AccountPageContext.RunAsPersonAsync(gateway, SignInTests.OwnerEmail, (RemovePerson remove) => remove.RunAsync(personId, CancellationToken.None));

        removed.ShouldBe(new RemovePersonOutcome.Removed(email));
        await ShouldBeRefusedAsync(copy);
    }

    [Fact]
    public async Task Role_change_refuses_a_copy_of_the_session_cookie()
    {
        var email = $"demoted-{Guid.NewGuid():N}@staff.test";
        var (_, copy) = await SignedInWithCopyAsync(StaffRoles.Owner, email);

        // No page changes a role yet: the user manager itself ends the sessions, whoever calls it.
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var person = (await users.FindByEmailAsync(email)).ShouldNotBeNull();
            (await users.RemoveFromRoleAsync(person, StaffRoles.Owner)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(person, StaffRoles.Staff)).Succeeded.ShouldBeTrue();
        }

        await ShouldBeRefusedAsync(copy);
    }

    [Fact]
    public async Task Two_factor_off_refuses_a_copy_of_the_session_cookie_and_keeps_the_acting_session()
    {
        var email = $"two-factor-{Guid.NewGuid():N}@staff.test";
        var (victim, copy) = await SignedInWithCopyAsync(StaffRoles.Owner, email);
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var person = (await users.FindByEmailAsync(email)).ShouldNotBeNull();
            await users.ResetAuthenticatorKeyAsync(person);
            await users.SetTwoFactorEnabledAsync(person, true);
        }

        // Turning it on changed the stamp too: both sign in afresh, the copy taken after.
        (victim, copy) = await SignedInWithCopyAsync(StaffRoles.Owner, email, create: false);
        var page = await victim.GetAsync("/account/two-factor");
        var off = await victim.SubmitAsync(page, "Turn off two-factor authentication", new() { ["Off.Code"] = BackOfficeStaff.Password });

        off.Text.ShouldContain("Scan this code");
        await ShouldBeRefusedAsync(copy);
        (await victim.Client.GetAsync("/account/sales")).StatusCode.ShouldBe(HttpStatusCode.OK, "the person who turned it off stays signed in");
    }

    /// <summary>A person signed in in a browser, and the value of its session cookie as an attacker copied it.</summary>
    private async Task<(Buyer Browser, string Cookie)> SignedInWithCopyAsync(string role, string? email = null, bool create = true)
    {
        var cookies = new CookieContainer();
        var browser = Buyer.Of(gateway, cookies);
        if (create)
        {
            var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
            await BackOfficeStaff.SignedInAsync(gateway, role, merchantId, email, browser);
        }
        else
        {
            var prompt = await SignInTests.SignInAsync(browser, email!, BackOfficeStaff.Password);
            string key;
            await using (var scope = gateway.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
                key = (await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(email!)).ShouldNotBeNull())).ShouldNotBeNull();
            }

            (await browser.SubmitAsync(prompt, "Sign in", new() { ["Input.Code"] = Totp.Code(key, gateway.Clock.GetUtcNow()) })).Heading.ShouldBe("Dashboard");
        }

        var cookie = cookies.GetCookies(new Uri("http://localhost"))["oneclick_staff"].ShouldNotBeNull().Value;
        (await WithCookieAsync(cookie)).StatusCode.ShouldBe(HttpStatusCode.OK, "the copy works while the session lasts");
        return (browser, cookie);
    }

    private async Task<HttpResponseMessage> WithCookieAsync(string cookie)
    {
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/sales");
        request.Headers.Add("Cookie", "oneclick_staff=" + cookie);
        return await client.SendAsync(request);
    }

    private async Task ShouldBeRefusedAsync(string cookie)
    {
        var response = await WithCookieAsync(cookie);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location.ShouldNotBeNull().ToString().ShouldContain("/account/login");
    }
}
