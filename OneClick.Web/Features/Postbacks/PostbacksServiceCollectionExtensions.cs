using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.PostConfigure<PostbackOptions>(options => options.PrivateHosts.AddRange(OperatorHosts(configuration)));
        services.Configure<EmailOptions>(configuration.GetSection("OneClick:Email"));
        services.AddHttpClient(PostbackSender.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own deadline
            client.DefaultRequestHeaders.UserAgent.ParseAdd("OneClick-Postback/1.0");
        }).ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect is not an OK
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // The connector must see the merchant's own address to refuse one inside our network.
            UseProxy = false,
            ConnectCallback = services.GetRequiredService<PostbackConnector>().ConnectAsync,
        });
        services.TryAddSingleton<HostResolver>();
        services.AddSingleton<PostbackConnector>();
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

    /// <summary>The hosts of postback URLs the operator configured, which may be on a private network.</summary>
    private static IEnumerable<string> OperatorHosts(IConfiguration configuration)
    {
        foreach (var url in new[] { configuration["OneClick:Seed:PostbackUrl"], configuration["OneClick:DemoShop:Url"] })
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                yield return $"{uri.IdnHost}:{uri.Port}";
            }
        }
    }
}
