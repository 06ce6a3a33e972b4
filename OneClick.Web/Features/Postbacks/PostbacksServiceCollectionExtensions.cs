using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Refunds;
using Quartz;

namespace OneClick.Web.Features.Postbacks;

public static class PostbacksServiceCollectionExtensions
{
    /// <summary>The outbox: postbacks, refunds they lead to, and buyer e-mails.</summary>
    public static IServiceCollection AddPostbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PostbackOptions>(configuration.GetSection("OneClick:Postbacks"));
        services.Configure<EmailOptions>(configuration.GetSection("OneClick:Email"));
        services.AddHttpClient(PostbackSender.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own deadline
            client.DefaultRequestHeaders.UserAgent.ParseAdd("OneClick-Postback/1.0");
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect is not an OK
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddScoped<PostbackSender>();
        services.AddScoped<RefundService>();
        services.AddScoped<EmailOutbox>();
        var sweep = configuration.GetValue("OneClick:Postbacks:SweepInterval", new PostbackOptions().SweepInterval);
        services.AddQuartz(q => q.ScheduleJob<OutboxSweepJob>(
            trigger => trigger.WithIdentity("outbox-sweep", "postbacks").WithSimpleSchedule(sweep * 3),
            job => job.WithIdentity(OutboxSweepJob.Key)));
        return services;
    }
}
