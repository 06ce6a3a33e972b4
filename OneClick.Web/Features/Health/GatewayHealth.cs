using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OneClick.Web.Features.Health;

/// <summary>One check's reading, as /health/ready writes it and the administrators' page shows it.</summary>
/// <param name="Data">Numbers only (counts, seconds, thresholds): never anything that names a card, a buyer, a token or an address.</param>
public sealed record HealthCheckReading(string Name, HealthStatus Status, string Description, TimeSpan Duration, IReadOnlyDictionary<string, double> Data);

/// <summary>
/// The gateway's health as this node reads it: the worst of its checks (<see cref="Status"/>), and
/// whether this node should be sent traffic (<see cref="Ready"/>, /health/ready's 200 or 503).
/// Only a check of this node itself (<see cref="HealthEndpoints.NodeTag"/>) that is Unhealthy takes
/// it out of rotation: the others read what every node shares (decision 036).
/// </summary>
public sealed record GatewayHealth(HealthStatus Status, bool Ready, DateTime ReadAt, TimeSpan Duration, IReadOnlyList<HealthCheckReading> Checks)
{
    /// <summary>/health/live's: the process answers, nothing else is asked.</summary>
    public static GatewayHealth Live(DateTime now) => new(HealthStatus.Healthy, true, now, TimeSpan.Zero, []);

    public static GatewayHealth Of(HealthReport report, DateTime readAt)
    {
        var checks = report.Entries.Select(e => ReadingOf(e.Key, e.Value)).ToList();
        var ready = !report.Entries.Any(e => e.Value.Status == HealthStatus.Unhealthy && e.Value.Tags.Contains(HealthEndpoints.NodeTag));
        return new GatewayHealth(report.Status, ready, readAt, report.TotalDuration, checks);
    }

    private static HealthCheckReading ReadingOf(string name, HealthReportEntry entry)
    {
        var description = entry.Exception switch
        {
            null => entry.Description ?? entry.Status.ToString(),
            // The registration's timeout ran out (HealthEndpoints.CheckTimeout).
            OperationCanceledException => $"The check did not finish in {HealthEndpoints.CheckTimeout.TotalSeconds:0} seconds: what it reads is not answering. The node's log has the details.",
            // Never the exception's message: a driver's may name a server, a user or a value.
            var failure => $"The check itself failed ({failure.GetType().Name}). The node's log has the details.",
        };
        var data = entry.Data
            .Where(d => d.Value is int or long or double or decimal)
            .ToDictionary(d => d.Key, d => Convert.ToDouble(d.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new HealthCheckReading(name, entry.Status, description, entry.Duration, data);
    }
}
