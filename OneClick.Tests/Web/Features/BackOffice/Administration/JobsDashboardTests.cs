using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Administration;

/// <summary>The jobs dashboard's actions over HTTP: only an administrator's, and only with the page's antiforgery token.</summary>
public sealed class JobsDashboardTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private static FormUrlEncodedContent Trigger() => new([new("jobs[]", "token-expiry")]);

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Staff_and_owners_are_refused_the_dashboards_pages_and_actions(string role)
    {
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        (await person.Client.GetAsync("/account/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await person.Client.GetAsync("/account/jobs/recurring")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await person.Client.PostAsync("/account/jobs/recurring/trigger", Trigger())).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        TokenExpiryRuns().ShouldBeNull();
    }

    [Fact]
    public async Task Visitor_who_is_not_signed_in_is_sent_to_sign_in()
    {
        var response = await Buyer.Of(gateway).Client.GetAsync("/account/jobs/recurring");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/account/login");
    }

    [Fact]
    public async Task Administrators_action_without_the_pages_antiforgery_token_is_refused()
    {
        var administrator = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        (await administrator.Client.GetAsync("/account/jobs/recurring")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await administrator.Client.PostAsync("/account/jobs/recurring/trigger", Trigger())).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        TokenExpiryRuns().ShouldBeNull();
    }

    [Fact]
    public async Task Administrators_action_with_the_pages_token_runs_and_removing_a_recurring_job_is_refused()
    {
        var administrator = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, null);
        var page = await administrator.Client.GetStringAsync("/account/jobs/recurring");
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page);
        var header = document.QuerySelector("meta[name=csrf-header]")!.GetAttribute("content")!;
        var token = document.QuerySelector("meta[name=csrf-token]")!.GetAttribute("content")!;

        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/account/jobs/recurring/trigger") { Content = Trigger() };
        trigger.Headers.Add(header, token);
        (await administrator.Client.SendAsync(trigger)).IsSuccessStatusCode.ShouldBeTrue();
        TokenExpiryRuns().ShouldNotBeNull();

        using var remove = new HttpRequestMessage(HttpMethod.Post, "/account/jobs/recurring/remove") { Content = Trigger() };
        remove.Headers.Add(header, token);
        (await administrator.Client.SendAsync(remove)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var connection = gateway.Services.GetRequiredService<JobStorage>().GetConnection();
        connection.GetRecurringJobs().Select(j => j.Id).ShouldContain("token-expiry");
    }

    /// <summary>The last run of token-expiry, which test gateways hold until a test triggers it: null when it never ran.</summary>
    private string? TokenExpiryRuns()
    {
        using var connection = gateway.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Single(j => j.Id == "token-expiry").LastJobId;
    }
}
