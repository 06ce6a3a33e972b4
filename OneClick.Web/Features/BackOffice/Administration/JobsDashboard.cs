using Hangfire;
using Hangfire.Dashboard;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Administration;

/// <summary>
/// Hangfire's dashboard for gateway administrators (decision 027): the recurring jobs, their runs and
/// failures. Signing in is the back-office's own (and two factors, as on every administrator page);
/// a signed-in person of another role is answered 403 by the filter below.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/account/jobs";

    /// <summary>
    /// The back-office policy, relaxed in two things, each allowed by the hash of its exact text
    /// (Hangfire 1.8.25): Chart.js, in the dashboard's script bundle, adds one <c>&lt;style&gt;</c>
    /// element to the page with a chart; a job's page writes empty <c>style=""</c> attributes, whose
    /// hash ('unsafe-hashes' with the hash of nothing) allows no style at all. Scripts stay files from
    /// our origin. A browser test fails on any violation, e.g. after an upgrade.
    /// </summary>
    public static readonly string ContentSecurityPolicy = Hosting.SecurityHeaders.ContentSecurityPolicy.Replace(
        "style-src 'self'",
        "style-src 'self' 'sha256-z7zcnw/4WalZqx+PrNaRnoeLz/G9WXuFqV1WCJ129sg=' 'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        StringComparison.Ordinal);

    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints)
    {
        var options = new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new AdministratorsOnly()],
            DashboardTitle = "OneClick jobs",
            AppPath = "/account/admin",
            FaviconPath = "/favicon.ico",
            DisplayStorageConnectionString = false,
        };
        // Anyone not signed in is sent to sign in (the filter alone would answer 401).
        endpoints.MapHangfireDashboard(Path, options, endpoints.ServiceProvider.GetRequiredService<JobStorage>())
            .RequireAuthorization(StaffPolicies.SignedIn);
        return endpoints;
    }

    /// <summary>
    /// Re-checked on every request the dashboard serves, its actions (trigger, requeue, delete a run)
    /// included. Removing a recurring job is refused to everyone: the table in Hosting/Scheduling.cs is
    /// the schedule, and a job removed here (the outbox sweep: every retry) would stay away until the
    /// next start, with no run left to fail and warn.
    /// </summary>
    private sealed class AdministratorsOnly : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var removesRecurringJob = HttpMethods.IsPost(http.Request.Method)
                && context.Request.Path.StartsWith("/recurring/remove", StringComparison.OrdinalIgnoreCase);
            return Task.FromResult(!removesRecurringJob && http.User.IsInRole(StaffRoles.Administrator));
        }
    }
}
