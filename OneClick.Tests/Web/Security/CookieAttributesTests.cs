using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Account;
using OneClick.Web.Features.Staff;
using OneClick.Web.Features.Wallets;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// The gateway as production runs it (<c>OneClick:SecureCookies</c> left at its default, which the
/// other tests turn off for their plain-HTTP hosts): through every flow that sets a cookie, each
/// cookie is Secure, HttpOnly and SameSite, whether TLS ends at the gateway or at a proxy in front
/// of it that does not pass the scheme on.
/// </summary>
public sealed class CookieAttributesTests
{
    [Theory]
    [InlineData("https://gateway.test")]
    [InlineData("http://gateway.test")] // TLS ended at a proxy; the browser still speaks HTTPS
    public async Task Every_cookie_the_flows_set_is_secure_httponly_and_samesite_in_production(string gatewayAddress)
    {
        using var gateway = new GatewayFactory()
            .Set("OneClick:SecureCookies", null)
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:OwnerEmail", SignInTests.OwnerEmail)
            .Set("OneClick:Seed:OwnerPassword", SignInTests.OwnerPassword);
        var setCookies = new List<string>();
        Buyer Browser() => new(gateway.CreateDefaultClient(new Uri(gatewayAddress), new HttpsBrowser(setCookies)));

        // The order page (antiforgery), a payment that remembers the card, then one click with its CVC.
        var buyer = Browser();
        var paid = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), remember: true);
        paid.Heading.ShouldBe("Payment approved", paid.Text);
        var again = await buyer.PaySavedAsync(await buyer.StartAsync(Merchant.Purchase()), "123");
        again.Heading.ShouldBe("Payment approved", again.Text);

        // The back office: the owner signs in and out; an administrator signs in with a second factor.
        var owner = Browser();
        var dashboard = await SignInTests.SignInAsync(owner, SignInTests.OwnerEmail, SignInTests.OwnerPassword);
        dashboard.Heading.ShouldBe("Dashboard");
        (await owner.SubmitAsync(dashboard, "Sign out")).Heading.ShouldBe("Sign in");
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, merchantId: null, browser: Browser());

        // Forgot password.
        var forgotten = Browser();
        var sent = await forgotten.SubmitAsync(await forgotten.GetAsync("/account/forgot-password"), "Send me a link", new() { ["Input.Email"] = SignInTests.OwnerEmail });
        sent.Text.ShouldContain("If an account uses this address");

        var names = setCookies.Select(c => c.Split('=')[0]).Distinct().ToList();
        names.ShouldContain(n => n.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        names.ShouldContain(BrowserWallets.CookieName);
        names.ShouldContain("oneclick_staff");
        names.ShouldContain("Identity.TwoFactorUserId");
        setCookies.ShouldAllBe(
            c => c.Contains("; secure", StringComparison.OrdinalIgnoreCase)
                && c.Contains("; httponly", StringComparison.OrdinalIgnoreCase)
                && c.Contains("; samesite=", StringComparison.OrdinalIgnoreCase),
            "every Set-Cookie is Secure, HttpOnly and SameSite");
    }

    /// <summary>
    /// A browser on HTTPS: it keeps every cookie (Secure ones too) and sends them back, while the
    /// gateway may see plain HTTP from the proxy; it records each Set-Cookie header as sent.
    /// </summary>
    private sealed class HttpsBrowser(List<string> setCookies) : DelegatingHandler
    {
        private readonly Dictionary<string, string> jar = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await base.SendAsync(request, cancellationToken);
            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                setCookies.Add(setCookie);
                var pair = setCookie.Split(';')[0];
                var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    jar.Remove(name);
                }
                else
                {
                    jar[name] = value;
                }
            }

            return response;
        }
    }
}
