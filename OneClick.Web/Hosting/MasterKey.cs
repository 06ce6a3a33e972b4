using System.Security.Cryptography;
using System.Text;

namespace OneClick.Web.Hosting;

/// <summary>
/// The one key outside the database that the gateway's secrets hang from: saved card numbers and
/// tokens (<see cref="OneClick.Core.Cards.CardVault"/>) and the data-protection keys (decision 020).
/// <c>OneClick:MasterKey</c> (32 bytes, base64), else one generated once into the data folder's keys/
/// with a warning. One instance per process: loaded (and warned about) once.
/// </summary>
public sealed class MasterKey
{
    private readonly byte[] key;

    private MasterKey(byte[] key) => this.key = key;

    /// <summary>The key itself, for the card vault, which derives its own keys from it.</summary>
    internal byte[] Bytes => key;

    /// <summary>A 32-byte key for one purpose (HKDF-SHA256 with the purpose as info): one purpose's key tells nothing of another's.</summary>
    public byte[] Derive(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes(purpose));

    public static MasterKey Load(IConfiguration configuration, DataDirectory dataDirectory, ILogger logger)
    {
        var configured = configuration["OneClick:MasterKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var key = Convert.FromBase64String(configured);
            return key.Length == 32 ? new MasterKey(key) : throw new InvalidOperationException("OneClick:MasterKey must be 32 bytes, base64-encoded.");
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
                file.Write(RandomNumberGenerator.GetBytes(32));
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
        return new MasterKey(File.ReadAllBytes(path));
    }
}

public static class MasterKeyServiceCollectionExtensions
{
    /// <summary>The master key as a singleton, loaded when first needed (the data-protection key ring at start).</summary>
    public static IServiceCollection AddMasterKey(this IServiceCollection services, IConfiguration configuration, DataDirectory dataDirectory) =>
        services.AddSingleton(sp => MasterKey.Load(configuration, dataDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger("OneClick.MasterKey")));
}
