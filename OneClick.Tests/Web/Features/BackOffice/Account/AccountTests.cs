using System.Net;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Audit;
using OneClick.Web.Features.BackOffice.Staff;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Account;

/// <summary>Password links (reset, invitation), people, the audit log and two-factor sign-in.</summary>
public sealed partial class AccountTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public AccountTests() =>
        gateway.Set("OneClick:Seed:OwnerEmail", SignInTests.OwnerEmail).Set("OneClick:Seed:OwnerPassword", SignInTests.OwnerPassword)
            .Set("OneClick:PublicUrl", "http://localhost");

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Forgot_password_sends_a_link_that_sets_a_new_password_once()
    {
        var browser = Buyer.Of(gateway);
        var forgot = await browser.SubmitAsync(await browser.GetAsync("/account/forgot-password"), "Send me a link", new() { ["Input.Email"] = SignInTests.OwnerEmail });
        forgot.Text.ShouldContain("If an account uses this address");
        await ForgotPasswordTests.HandledAsync(gateway);

        var link = await LinkInMailAsync(SignInTests.OwnerEmail);
        var reset = await browser.GetAsync(link);
        var done = await browser.SubmitAsync(reset, "Set password", new() { ["Input.Password"] = "a brand new passphrase", ["Input.Confirm"] = "a brand new passphrase" });

        done.Text.ShouldContain("Your password is set.");
        (await SignInTests.SignInAsync(Buyer.Of(gateway), SignInTests.OwnerEmail, "a brand new passphrase")).Heading.ShouldBe("Dashboard");
        var again = await browser.SubmitAsync(await browser.GetAsync(link), "Set password", new() { ["Input.Password"] = "yet another passphrase", ["Input.Confirm"] = "yet another passphrase" });
        again.Text.ShouldContain("This link has expired or was already used.");
    }

    [Fact]
    public async Task Password_link_without_a_public_url_outside_development_is_not_sent()
    {
        using var unconfigured = new GatewayFactory()
            .Set("OneClick:Seed:OwnerEmail", SignInTests.OwnerEmail).Set("OneClick:Seed:OwnerPassword", SignInTests.OwnerPassword);
        var browser = Buyer.Of(unconfigured);

        // A forged Host header must never become the link in a real e-mail.
        var page = await browser.SubmitAsync(await browser.GetAsync("/account/forgot-password"), "Send me a link", new() { ["Input.Email"] = SignInTests.OwnerEmail });

        page.Text.ShouldContain("If an account uses this address");
        await ForgotPasswordTests.HandledAsync(unconfigured);
        (await unconfigured.WithDbAsync(db => db.OutboxEmails.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Forgot_password_for_an_unknown_address_says_the_same_and_sends_nothing()
    {
        var browser = Buyer.Of(gateway);

        var page = await browser.SubmitAsync(await browser.GetAsync("/account/forgot-password"), "Send me a link", new() { ["Input.Email"] = "nobody@shop.test" });

        page.Text.ShouldContain("If an account uses this address");
        await ForgotPasswordTests.HandledAsync(gateway);
        (await gateway.WithDbAsync(db => db.OutboxEmails.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Owner_invites_staff_who_sets_a_password_and_sees_no_owner_pages()
    {
        // The People page runs over the owner's circuit.
        await using (var circuit = new AccountPageContext(gateway))
        {
            await circuit.ActAsAsync(SignInTests.OwnerEmail);
            var people = circuit.Render<StaffPage>();
            people.WaitForAssertion(() => people.Find("#add-person-heading"));

            people.Type("Email", "clerk@shop.test");
            people.Type("Name", "Clerk");
            people.Press("Invite");

            people.Snackbar().ShouldContain("clerk@shop.test is invited: they choose their password from the link in their e-mail.");
        }

        var clerk = Buyer.Of(gateway);
        await clerk.SubmitAsync(await clerk.GetAsync(await LinkInMailAsync("clerk@shop.test")), "Set password", new() { ["Input.Password"] = "clerk passphrase 1", ["Input.Confirm"] = "clerk passphrase 1" });
        (await SignInTests.SignInAsync(clerk, "clerk@shop.test", "clerk passphrase 1")).Heading.ShouldBe("Dashboard");
        var refused = await clerk.Client.GetAsync("/account/staff");
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().ShouldContain("/account/denied");
        var audit = await AuditSteps.ListAsPersonAsync(gateway, SignInTests.OwnerEmail);
        audit.ShouldContain("staff.add");
        audit.ShouldContain("clerk@shop.test");
    }

    [Fact]
    public async Task Owner_sees_and_removes_only_people_of_their_own_merchant()
    {
        var otherMerchant = await BackOfficeStaff.MerchantOfShopAsync(gateway, await gateway.AddShopAsync(70010, "OtherShopKey-0123456789abcdef", null));
        var otherOwner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant, "other-owner@other.test");
        var owner = Buyer.Of(gateway);
        await SignInTests.SignInAsync(owner, SignInTests.OwnerEmail, SignInTests.OwnerPassword);

        var people = await owner.GetAsync("/account/staff");
        people.Text.ShouldNotContain("other-owner@other.test");
        (await otherOwner.GetAsync("/account/staff")).Text.ShouldNotContain(SignInTests.OwnerEmail);
        (await AuditSteps.ListAsPersonAsync(gateway, "other-owner@other.test")).ShouldNotContain(SignInTests.OwnerEmail);
    }

    [Fact]
    public async Task Administrator_without_two_factor_is_sent_to_set_it_up()
    {
        var email = "admin@gateway.test";
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var admin = new StaffUser { UserName = email, Email = email, DisplayName = "Admin", EmailConfirmed = true };
            (await users.CreateAsync(admin, BackOfficeStaff.Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(admin, StaffRoles.Administrator)).Succeeded.ShouldBeTrue();
        }

        var browser = Buyer.Of(gateway);
        var page = await SignInTests.SignInAsync(browser, email, BackOfficeStaff.Password);

        page.Heading.ShouldBe("Two-factor authentication");
        page.Text.ShouldContain("Administrators must use two-factor authentication");
        page.Document.QuerySelector("svg[role=img]").ShouldNotBeNull();
        var key = page.Document.QuerySelector("code.user-select-all")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        var wrong = await browser.SubmitAsync(page, "Turn on", new() { ["Input.Code"] = "000000" });
        wrong.Text.ShouldContain("That code is not right.");
        var on = await browser.SubmitAsync(wrong, "Turn on", new() { ["Input.Code"] = Totp.Code(key, gateway.Clock.GetUtcNow()) });
        on.Text.ShouldContain("Two-factor authentication is on.");
        (await browser.GetAsync("/account")).Heading.ShouldBe("Dashboard");

        // The next sign-in asks for the code: the next one, as each code is taken once (issue 16).
        gateway.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = Buyer.Of(gateway);
        var prompt = await SignInTests.SignInAsync(next, email, BackOfficeStaff.Password);
        prompt.Heading.ShouldBe("Enter your code");
        (await next.SubmitAsync(prompt, "Sign in", new() { ["Input.Code"] = Totp.Code(key, gateway.Clock.GetUtcNow()) })).Heading.ShouldBe("Dashboard");
    }

    [Fact]
    public async Task Code_page_without_a_password_first_goes_back_to_sign_in()
    {
        var response = await gateway.CreatePlainClient().GetAsync("/account/login-2fa");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldEndWith("/account/login");
    }

    private async Task<string> LinkInMailAsync(string to)
    {
        var body = await gateway.WithDbAsync(db => db.OutboxEmails.Where(e => e.To == to).OrderByDescending(e => e.Id).Select(e => e.Body).FirstAsync());
        var link = ResetLink().Match(body).Value;
        link.ShouldNotBeEmpty(body);
        return new Uri(link).PathAndQuery;
    }

    [GeneratedRegex(@"https?://\S+/account/reset-password\?\S+")]
    private static partial Regex ResetLink();
}
