using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice;

/// <summary>The dashboard as its circuit renders it (bUnit): the shell's sections by role, the figures, and a session that ended.</summary>
public sealed class HomeTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{

    [Theory]
    [InlineData(StaffRoles.Staff, new[] { "Dashboard", "Sales", "Customers", "Postbacks" })]
    [InlineData(StaffRoles.Owner, new[] { "Dashboard", "Sales", "Customers", "Postbacks", "Shops", "People", "Audit log" })]
    [InlineData(StaffRoles.Administrator, new[] { "Dashboard", "Sales", "Customers", "Postbacks", "Shops", "People", "Audit log", "Administration" })]
    public async Task Shell_offers_the_sections_of_the_persons_role(string role, string[] sections)
    {
        await using var context = new AccountPageContext(gateway);
        await context.ActAsNewAsync(role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = context.Render<Home>();

        page.WaitForAssertion(() => page.Find("h1").TextContent.ShouldBe("Dashboard"));
        page.FindAll("nav[aria-label='Personal Account'] a").Select(a => a.TextContent.Trim()).ShouldBe(sections);
    }

    [Fact]
    public async Task Dashboard_shows_the_merchants_figures_and_a_chart_of_14_days()
    {
        await using var context = new AccountPageContext(gateway);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = context.Render<Home>();

        page.WaitForAssertion(() => page.FindAll("[data-figure]").Count.ShouldBe(4, page.Markup));
        page.Find("[data-figure=failing-postbacks] a").GetAttribute("href").ShouldBe("/account/postbacks?state=failing");
        page.FindAll("#approvals-chart-numbers tbody tr").Count.ShouldBe(14);
        page.Find(".mud-chart").ShouldNotBeNull();
    }

    [Fact]
    public async Task Person_whose_session_ended_sees_why_and_no_figures()
    {
        await using var context = new AccountPageContext(gateway);
        var person = await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        // Signed out elsewhere, removed or given another role: each gives the person a new security stamp.
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            (await users.UpdateSecurityStampAsync((await users.FindByIdAsync(person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!)).Succeeded.ShouldBeTrue();
        }

        var page = context.Render<Home>();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("Your session has ended"));
        page.FindAll("[data-figure]").ShouldBeEmpty();
        page.Find("[role=alert] a").GetAttribute("href").ShouldBe("/account/login");
    }
}
