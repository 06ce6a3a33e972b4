using OneClick.Web.Features.Health;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Administration.Queries;

/// <summary>
/// The gateway's health for its administrators' page: the very reading /health/ready writes
/// (<see cref="HealthQuery"/>), never the database read here. Null for anyone else.
/// </summary>
public sealed class GatewayHealthQuery(HealthQuery health, CurrentStaff staff)
{
    public async Task<GatewayHealth?> RunAsync(CancellationToken cancellationToken) =>
        staff.IsAdministrator ? await health.RunAsync(cancellationToken) : null;
}
