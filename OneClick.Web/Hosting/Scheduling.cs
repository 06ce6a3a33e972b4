using Quartz;

namespace OneClick.Web.Hosting;

public static class Scheduling
{
    /// <summary>
    /// Quartz with its persistent store in its own SQLite file, so that the scheduler's polling never
    /// takes the payment database's write lock. Each feature schedules its own jobs in its AddXxx.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, DataDirectory dataDirectory)
    {
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                store.UseSqlite($"Data Source={dataDirectory.PathOf("scheduler.db")}");
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
