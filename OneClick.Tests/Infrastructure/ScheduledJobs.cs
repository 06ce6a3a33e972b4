using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Runs a gateway's recurring job through Hangfire, as its schedule would: triggered in the job
/// store, fetched by a worker, its command made in a scope of its own, its outcome stored.
/// </summary>
public static class ScheduledJobs
{
    /// <summary>
    /// Test gateways run the recurring jobs only when a test says (<see cref="RunJobAsync{T}"/>),
    /// except the outbox sweep, every second as the old dispatcher's timer was in tests.
    /// </summary>
    public static readonly string[] HeldJobs = ["token-expiry", "payment-link-expiry", "abandoned-challenges", "idempotency-key-purge"];

    /// <summary>A cron that does not come due while a test runs (midnight of 1 January, UTC).</summary>
    public const string Never = "0 0 1 1 *";

    private static readonly JsonSerializerOptions Outcomes = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Triggers the recurring job <paramref name="id"/> and waits for its run to succeed; returns the command's outcome.</summary>
    public static async Task<T> RunJobAsync<T>(this GatewayFactory gateway, string id)
    {
        var (state, data) = await RunToEndAsync(gateway, id);
        state.ShouldBe("Succeeded", $"the job {id} should succeed; it ended {state}: {(data.TryGetValue("ExceptionMessage", out var message) ? message : "")}");
        return JsonSerializer.Deserialize<T>(data["Result"], Outcomes)!;
    }

    /// <summary>Triggers the recurring job <paramref name="id"/> and waits until its run succeeded or failed every try; returns the state's name and data.</summary>
    public static async Task<(string State, IDictionary<string, string> Data)> RunToEndAsync(this GatewayFactory gateway, string id)
    {
        var jobId = gateway.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(id);
        jobId.ShouldNotBeNull($"the recurring job {id} should exist");
        var storage = gateway.Services.GetRequiredService<JobStorage>();
        StateData? state = null;
        await GatewayFactory.EventuallyAsync(() =>
        {
            using var connection = storage.GetConnection();
            state = connection.GetStateData(jobId);
            return Task.FromResult(state?.Name is "Succeeded" or "Failed");
        }, $"the job {id} ({jobId}) has ended", TimeSpan.FromSeconds(30));
        return (state!.Name, state.Data);
    }
}
