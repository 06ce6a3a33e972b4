using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Postbacks;

public static class PostbacksServiceCollectionExtensions
{
    /// <summary>The outbox: postbacks and buyer e-mails; it has Refunds ask the acquirer for booked refunds.</summary>
    public static IServiceCollection AddPostbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PostbackOptions>(configuration.GetSection("OneClick:Postbacks"));
        services.AddOptions<PostbackOptions>().PostConfigure<IOptions<OneClickOptions>, IHostEnvironment>(
            (postbacks, oneClick, environment) => postbacks.PrivateHosts.AddRange(OperatorOrigins(oneClick.Value, environment)));
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidation>();
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
        services.AddScoped<EmailOutbox>();
        // Through the SMTP server when one is set, else to .eml files (development); decision 035.
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<EmlFileMailer>();
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp
            ? sp.GetRequiredService<SmtpMailer>()
            : sp.GetRequiredService<EmlFileMailer>());
        services.AddSingleton<OneClick.Web.Features.Notifications.BuyerEmails>();
        services.AddScoped<Commands.SweepOutbox>();
        return services;
    }

    /// <summary>
    /// The postback origins the operator configured, which may be on a private network: the seeded
    /// shop's postback URL, and the demo shop's address while it runs (its postback page).
    /// </summary>
    private static IEnumerable<string> OperatorOrigins(OneClickOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Seed.PostbackUrl))
        {
            yield return options.Seed.PostbackUrl.Trim();
        }

        if (options.DemoShop.IsEnabledIn(environment))
        {
            yield return options.DemoShop.BaseUrl;
        }
    }
}
