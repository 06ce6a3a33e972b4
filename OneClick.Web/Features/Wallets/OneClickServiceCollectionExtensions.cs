using OneClick.Core.Cards;
using OneClick.Web.Hosting;
using Quartz;

namespace OneClick.Web.Features.Wallets;

public static class OneClickServiceCollectionExtensions
{
    public static IServiceCollection AddOneClick(this IServiceCollection services, IConfiguration configuration, DataDirectory dataDirectory)
    {
        services.AddSingleton(sp => new CardVault(MasterKey.Load(configuration, dataDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger("OneClick.MasterKey"))));
        services.AddScoped<OneClickTokens>();
        services.AddScoped<BrowserWallets>();
        services.AddQuartz(q => q.ScheduleJob<TokenExpiryJob>(
            trigger => trigger.WithIdentity("token-expiry", "oneclick").WithSimpleSchedule(TimeSpan.FromMinutes(15)),
            job => job.WithIdentity(TokenExpiryJob.Key)));
        return services;
    }
}

/// <summary>
/// The key under which card numbers are encrypted and tokens derived: <c>OneClick:MasterKey</c>
/// (32 bytes, base64), else one generated once into the data folder's keys/ with a warning.
/// </summary>
internal static class MasterKey
{
    public static byte[] Load(IConfiguration configuration, DataDirectory dataDirectory, ILogger logger)
    {
        var configured = configuration["OneClick:MasterKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var key = Convert.FromBase64String(configured);
            return key.Length == 32 ? key : throw new InvalidOperationException("OneClick:MasterKey must be 32 bytes, base64-encoded.");
        }

        var path = dataDirectory.PathOf(Path.Combine("keys", "master.key"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(key);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        logger.LogWarning("Card numbers are encrypted under a generated key in {Path}. In production, set OneClick:MasterKey from a secret store.", path);
        return File.ReadAllBytes(path);
    }
}
