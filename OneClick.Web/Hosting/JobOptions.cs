using Microsoft.Extensions.Options;

namespace OneClick.Web.Hosting;

/// <summary>Where the job engine keeps schedules and history (decision 027).</summary>
public enum JobStorageKind
{
    /// <summary>In the process: a restart keeps every schedule (they are set again at start) and loses only the history of runs.</summary>
    InMemory,

    /// <summary>
    /// Hangfire.PostgreSql, in the schema <c>hangfire</c> of the gateway's own database: the nodes share
    /// it, so that each recurring job runs once per schedule across them. Taken whenever the gateway
    /// runs on PostgreSQL (decision 030).
    /// </summary>
    PostgreSql,
}

/// <summary>The <c>OneClick:Jobs</c> settings.</summary>
public sealed class JobOptions
{
    public const string Section = "OneClick:Jobs";

    public JobStorageKind Storage { get; set; } = JobStorageKind.InMemory;

    /// <summary>
    /// Jobs run at once at most: the sweeps take milliseconds, and three leave the outbox sweep (whose
    /// queue is fetched first) a worker while two other jobs run long.
    /// </summary>
    public int WorkerCount { get; set; } = 3;

    /// <summary>How often the scheduler looks for recurring jobs that came due: a job runs at most this late.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The waits before each retry of a failed run: a run that fails once more than there are waits
    /// shows as failed (the dashboard, and the back-office's postback warnings for the outbox sweep).
    /// </summary>
    /// <remarks>Null until configured: a list with defaults would have the configured waits appended to them.</remarks>
    public List<TimeSpan>? RetryDelays { get; set; }

    public IReadOnlyList<TimeSpan> Delays => RetryDelays ?? [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)];

    /// <summary>Tries of a run, the first included.</summary>
    public int Attempts => Delays.Count + 1;

    /// <summary>Cron expressions (UTC; five fields, or six with seconds first) by job id, replacing the defaults of <see cref="Scheduling.RecurringJobs"/>.</summary>
    public Dictionary<string, string> Schedules { get; set; } = [];

    public string ScheduleOf(RecurringCommand job) => Schedules.GetValueOrDefault(job.Id) ?? job.Cron;

    /// <summary>What is wrong with the settings, each saying what to fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (WorkerCount is < 1 or > 20)
        {
            problems.Add($"OneClick:Jobs:WorkerCount is {WorkerCount}: give 1 to 20.");
        }

        if (PollingInterval < TimeSpan.FromSeconds(1) || PollingInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"OneClick:Jobs:PollingInterval is {PollingInterval}: give 00:00:01 to 00:01:00.");
        }

        if (Delays.Count > 5 || Delays.Any(d => d < TimeSpan.FromSeconds(1) || d > TimeSpan.FromHours(1)))
        {
            problems.Add("OneClick:Jobs:RetryDelays: give at most 5 waits, each from 00:00:01 to 01:00:00.");
        }

        var known = Scheduling.RecurringJobs.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, cron) in Schedules)
        {
            if (!known.Contains(id))
            {
                problems.Add($"OneClick:Jobs:Schedules:{id} names no recurring job; the jobs are {string.Join(", ", known)}.");
            }
            else if (!IsCron(cron))
            {
                problems.Add($"OneClick:Jobs:Schedules:{id} is '{cron}', not a cron expression: give five fields (minute hour day month weekday) or six with seconds first, e.g. '*/15 * * * *'.");
            }
        }

        return problems;
    }

    /// <summary>The shape only; Hangfire parses the fields when the job is set at start (<see cref="Scheduling"/> says which setting failed).</summary>
    private static bool IsCron(string cron) => cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is 5 or 6;
}

/// <summary>Refuses to start on settings that <see cref="JobOptions.Problems"/> finds wrong, naming each.</summary>
public sealed class JobOptionsValidation : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
