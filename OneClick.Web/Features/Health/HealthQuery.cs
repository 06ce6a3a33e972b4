using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneClick.Web.Features.Health;

/// <summary>
/// Runs the readiness checks (database, jobs, outbox) once: /health/ready writes the answer, and the
/// administrators' page shows the same, so that the two never disagree.
/// </summary>
public sealed class HealthQuery(HealthCheckService checks, TimeProvider clock)
{
    public async Task<GatewayHealth> RunAsync(CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(HealthEndpoints.ReadyTag), cancellationToken);
        return GatewayHealth.Of(report, clock.GetUtcNow().UtcDateTime);
    }
}
