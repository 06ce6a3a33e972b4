using System.Net;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Tests.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice;

/// <summary>
/// What the back-office security review found: each case stays fixed. (A shared union's customer
/// changed by another merchant's staff: CustomerPageTests.)
/// </summary>
public sealed class ReviewFixesTests : IDisposable
{
    private readonly GatewayFactory gateway = CustomerSteps.NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Owner_cannot_point_the_postback_url_inside_the_gateways_network()
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        var page = await ShopSteps.OpenShopAsync(circuit, GatewayFactory.ShopId);

        foreach (var inside in new[] { "http://127.0.0.1:8080/x", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://localhost/p", "http://[::1]/p", "http://192.168.0.1/" })
        {
            ShopSteps.Settled(page, "Save settings");
            page.Type("Postback URL", inside);
            page.Submit("Save settings");
            page.WaitForAssertion(() => page.FieldMessage("Postback URL").ShouldContain("must be a public one", customMessage: inside));
            ((await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).PostbackUrl ?? "").ShouldNotBe(inside);
        }

        ((await gateway.WithDbAsync(db => db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId))).PostbackUrl ?? "").ShouldNotContain("169.254");
    }

    [Fact]
    public async Task Recovery_code_signs_in_as_issued_with_its_dash()
    {
        const string email = "recovering@gateway.test";
        string code;
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = new StaffUser { UserName = email, Email = email, DisplayName = "Admin", EmailConfirmed = true };
            (await users.CreateAsync(user, BackOfficeStaff.Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(user, StaffRoles.Administrator)).Succeeded.ShouldBeTrue();
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            code = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.First();
        }

        code.ShouldContain('-');
        var browser = Buyer.Of(gateway);
        var prompt = await Account.SignInTests.SignInAsync(browser, email, BackOfficeStaff.Password);

        (await browser.SubmitAsync(prompt, "Sign in", new() { ["Input.Code"] = code })).Heading.ShouldBe("Dashboard");
    }

    [Theory]
    [InlineData("/account/audit?page=abc")]
    [InlineData("/account/audit?page=99999999999")]
    public async Task Hand_edited_query_values_never_give_an_error_page(string url)
    {
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var response = await owner.Client.GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

}
