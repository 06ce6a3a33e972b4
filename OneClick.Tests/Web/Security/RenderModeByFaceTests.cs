using System.Net;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// Decision 028: the Personal Account's interactive pages carry the framework's script and
/// MudBlazor under a policy that allows inline styles; a buyer's order page carries neither, and
/// keeps the strict policy.
/// </summary>
public sealed class RenderModeByFaceTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public RenderModeByFaceTests(GatewayFactory gateway) => this.gateway = gateway;

    [Fact]
    public async Task Dashboard_is_interactive_with_the_personal_accounts_policy()
    {
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var response = await staff.Client.GetAsync("/account");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("<script src=\"/_framework/blazor.web.js\"></script>");
        html.ShouldContain("/_content/MudBlazor/MudBlazor.min.js");
        html.ShouldNotContain("bootstrap.min.css");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("style-src 'self' 'unsafe-inline'");
        csp.ShouldContain("script-src 'self';");
        csp.ShouldContain("connect-src 'self';");
        csp.ShouldContain("base-uri 'self'");
        csp.ShouldNotContain("unsafe-eval");
        html.ShouldContain("<base href=\"/\"");
    }

    [Fact]
    public async Task Order_page_has_no_framework_script_and_the_strict_policy()
    {
        var buyer = Buyer.Of(gateway);
        var start = await buyer.Client.GetAsync(Merchant.StartOrderUrl(Merchant.Purchase()));

        var response = await buyer.Client.GetAsync(start.Headers.Location);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldNotContain("blazor.web.js");
        html.ShouldNotContain("MudBlazor");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldNotContain("unsafe-inline");
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/css/account.css")]
    public async Task Scripts_and_styles_of_the_interactive_pages_are_served(string url)
    {
        var response = await gateway.CreatePlainClient().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
