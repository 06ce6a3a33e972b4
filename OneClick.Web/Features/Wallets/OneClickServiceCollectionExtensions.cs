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
        services.AddScoped<BuyerWallets>();
        services.AddScoped<CustomerStatuses>();
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

        var folder = dataDirectory.PathOf("keys");
        var path = Path.Combine(folder, "master.key");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (!File.Exists(path))
        {
            // Written whole to a private file, then moved into place: no reader ever sees half a key.
            var temporary = path + "." + Guid.NewGuid().ToString("N");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temporary, options))
            {
                file.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException)
            {
                File.Delete(temporary); // another process wrote it first: use theirs
            }
        }

        logger.LogWarning("Card numbers are encrypted under a generated key in {Path}. In production, set OneClick:MasterKey from a secret store.", path);
        return File.ReadAllBytes(path);
    }
}
