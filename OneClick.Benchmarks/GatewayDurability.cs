using System.Text.Json;

namespace OneClick.Benchmarks;

/// <summary>
/// How the gateway's commits reach the disk in this run: the <c>synchronous</c> setting of its WAL
/// database. Figures at another durability than the floor's (always FULL) do not compare.
/// </summary>
internal static class GatewayDurability
{
    /// <summary>The gateway setting that would choose it, as an environment variable; a run may pass it with <c>--set</c>.</summary>
    public const string SettingName = "OneClick__Database__Synchronous";

    /// <summary>The mode (<c>FULL</c>, <c>NORMAL</c>...) and where it comes from.</summary>
    public static (string Mode, string Source) Of(IReadOnlyDictionary<string, string> gatewaySettings)
    {
        if (gatewaySettings.TryGetValue(SettingName, out var given) && given.Length > 0)
        {
            return (given.ToUpperInvariant(), $"--set {SettingName}");
        }

        if (FromAppSettings() is { } configured)
        {
            return (configured.ToUpperInvariant(), "appsettings.json OneClick:Database:Synchronous");
        }

        // Not chosen: the gateway's default, Full (its DurabilityTests check every connection runs it).
        return ("FULL", $"no {SettingName}: the gateway's default");
    }

    private static string? FromAppSettings()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        try
        {
            using var settings = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return settings.RootElement.TryGetProperty("OneClick", out var oneClick)
                && oneClick.TryGetProperty("Database", out var database)
                && database.TryGetProperty("Synchronous", out var synchronous)
                && synchronous.ValueKind == JsonValueKind.String
                ? synchronous.GetString()
                : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }
}
