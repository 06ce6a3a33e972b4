using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.BackOffice.Account;

/// <summary>The back-office log-in: the seeded owner of docs/protocol.md section 9, lockout, sign-out.</summary>
public sealed class SignInTests : IDisposable
{
    public const string OwnerEmail = "owner@shop.test";
    public const string OwnerPassword = "correct horse battery staple";

    private readonly GatewayFactory gateway = new();

    public SignInTests() =>
        gateway.Set("OneClick:Seed:OwnerEmail", OwnerEmail).Set("OneClick:Seed:OwnerPassword", OwnerPassword);

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Account_without_signing_in_goes_to_the_login_page()
    {
        var response = await gateway.CreatePlainClient().GetAsync("/account");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("http://localhost/account/login?ReturnUrl=%2Faccount");
    }

    [Fact]
    public async Task Seeded_owner_signs_in_and_sees_the_dashboard()
    {
        var staff = Buyer.Of(gateway);

        var page = await SignInAsync(staff, OwnerEmail, OwnerPassword);

        page.Heading.ShouldBe("Dashboard");
        page.Text.ShouldContain(OwnerEmail);
        page.Text.ShouldContain("Shops: 1");
    }

    [Fact]
    public async Task Session_cookie_is_httponly_and_samesite_lax()
    {
        var login = await Buyer.Of(gateway).GetAsync("/account/login");
        var response = await PostLoginAsync(gateway.CreatePlainClient(), login, OwnerEmail, OwnerPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("oneclick_staff=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=lax", Case.Insensitive);
    }

    [Fact]
    public async Task Wrong_password_says_so_without_saying_which_part_is_wrong()
    {
        var page = await SignInAsync(Buyer.Of(gateway), OwnerEmail, "not the password");

        page.Heading.ShouldBe("Sign in");
        page.Text.ShouldContain("The email or the password is not correct.");
        (await SignInAsync(Buyer.Of(gateway), "nobody@shop.test", "whatever")).Text.ShouldContain("The email or the password is not correct.");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(Buyer.Of(gateway), OwnerEmail, "wrong password " + i);
        }

        var page = await SignInAsync(Buyer.Of(gateway), OwnerEmail, OwnerPassword);

        page.Heading.ShouldBe("Sign in");
        // In the words a wrong password gets: the page does not tell a locked account apart (SignInAbuseTests).
        page.Text.ShouldContain("The email or the password is not correct. After 5 failed attempts an account is locked for 15 minutes");
    }

    [Fact]
    public async Task Return_url_to_another_site_is_ignored()
    {
        var staff = Buyer.Of(gateway);
        var login = await staff.GetAsync("/account/login?ReturnUrl=%2F%2Fevil.example%2F");

        var page = await staff.SubmitAsync(login, "Sign in", new() { ["Input.Email"] = OwnerEmail, ["Input.Password"] = OwnerPassword });

        page.Url.ShouldBe("http://localhost/account");
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var staff = Buyer.Of(gateway);
        var dashboard = await SignInAsync(staff, OwnerEmail, OwnerPassword);

        var after = await staff.SubmitAsync(dashboard, "Sign out");

        after.Heading.ShouldBe("Sign in");
        (await staff.Client.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused()
    {
        var staff = Buyer.Of(gateway);
        await SignInAsync(staff, OwnerEmail, OwnerPassword);

        var response = await staff.Client.PostAsync("/account/logout", new FormUrlEncodedContent([]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await staff.Client.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public static async Task<Page> SignInAsync(Buyer staff, string email, string password) =>
        await staff.SubmitAsync(await staff.GetAsync("/account/login"), "Sign in", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, Page login, string email, string password)
    {
        var form = login.Document.QuerySelector("form")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        await client.GetAsync("/account/login"); // the antiforgery cookie
        var fresh = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await (await client.GetAsync("/account/login")).Content.ReadAsStringAsync());
        foreach (var hidden in fresh.QuerySelectorAll("form input[type=hidden]"))
        {
            fields[hidden.GetAttribute("name")!] = hidden.GetAttribute("value") ?? "";
        }

        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }
}
