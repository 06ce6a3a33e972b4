using Microsoft.Extensions.Options;

namespace OneClick.Web.Features.Health;

/// <summary>
/// The <c>OneClick:Health</c> settings: where the outbox check (<see cref="OutboxHealthCheck"/>) turns
/// Degraded and Unhealthy (README "Configuration", decision 036). Only items that are due count: a
/// postback waiting for its next retry's time is not a backlog.
/// </summary>
public sealed class HealthOptions
{
    public const string Section = "OneClick:Health";

    /// <summary>
    /// More due items (postbacks, buyer e-mails and requested refunds together) than this: Degraded. The
    /// dispatcher sends what comes due within seconds, so a healthy gateway has next to none.
    /// </summary>
    public int OutboxBacklogWarning { get; set; } = 100;

    /// <summary>More due items than this: Unhealthy.</summary>
    public int OutboxBacklogLimit { get; set; } = 1000;

    /// <summary>
    /// A due item waiting longer than this (since its next attempt's time; a refund, since it was
    /// requested): Degraded. The outbox sweep looks every 15 seconds, so one due for minutes is not being sent.
    /// </summary>
    public TimeSpan OldestDueWarning { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What is wrong with the settings, each saying what to fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (OutboxBacklogWarning < 0)
        {
            problems.Add($"{Section}:OutboxBacklogWarning is {OutboxBacklogWarning}: give 0 or more.");
        }

        if (OutboxBacklogLimit < OutboxBacklogWarning)
        {
            problems.Add($"{Section}:OutboxBacklogLimit is {OutboxBacklogLimit}, below OutboxBacklogWarning ({OutboxBacklogWarning}): give at least as many.");
        }

        if (OldestDueWarning <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:OldestDueWarning is {OldestDueWarning}: give a time above zero, e.g. 00:05:00.");
        }

        return problems;
    }
}

/// <summary>Refuses to start on settings that <see cref="HealthOptions.Problems"/> finds wrong, naming each.</summary>
public sealed class HealthOptionsValidation : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
