using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OneClick.Web.Features.Health;

/// <summary>
/// /health/live (the process answers) and /health/ready (database, jobs, outbox), both in JSON
/// (<see cref="HealthJson"/>); decision 036 says which answers take a node out of rotation.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The checks /health/ready and the administrators' page run.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// A check of this node itself: Unhealthy, it makes /health/ready answer 503. The checks without it
    /// read what every node of a PostgreSQL gateway shares (the outbox, the job store): taking every
    /// node out of rotation for them would stop all payments and lock staff out of the Personal
    /// Account, and fix nothing.
    /// </summary>
    public const string NodeTag = "node";

    /// <summary>How long a check may take before it is reported as not answering.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidation>());
        services.TryAddSingleton<MigrationsApplied>();
        services.TryAddScoped<HealthQuery>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag, NodeTag], timeout: CheckTimeout)
            .AddCheck<JobsHealthCheck>("jobs", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<OutboxHealthCheck>("outbox", tags: [ReadyTag], timeout: CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // Any method, as before: a probe may send HEAD; nothing here changes anything.
        app.Map("/health/ready", async (HttpContext http, HealthQuery health) =>
        {
            var reading = await health.RunAsync(http.RequestAborted);
            await HealthJson.WriteAsync(http.Response, reading, reading.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.Map("/health/live", (HttpContext http, TimeProvider clock) =>
            HealthJson.WriteAsync(http.Response, GatewayHealth.Live(clock.GetUtcNow().UtcDateTime), StatusCodes.Status200OK));
        return app;
    }
}
