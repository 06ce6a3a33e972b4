using System.Globalization;
using System.Text.Json;

namespace OneClick.Benchmarks;

/// <summary>
/// The GC a server runs with (issue 19: server GC against workstation and DATAS, measured and chosen
/// on purpose). Server or workstation is read from the process itself: server GC runs threads the
/// runtime names ".NET Server GC", workstation GC none. Whether DATAS is on cannot be read from
/// outside, so it is what the process was configured with: its environment (<c>--set</c> and the
/// benchmark's own environment, which the servers inherit) over its <c>.runtimeconfig.json</c>, over
/// the runtime's default (on with server GC since .NET 9).
/// </summary>
internal static class GcMode
{
    private const string ServerGcThread = ".NET Server GC";

    public static string Describe(int processId, string runtimeConfigFile)
    {
        var environment = ProcessEnvironment(processId);
        var config = RuntimeConfig(runtimeConfigFile);
        var configuredServer = Setting(environment, config, "gcServer", "System.GC.Server", out var serverSource) ?? false;
        var serverThreads = CountThreads(processId, ServerGcThread);
        var server = serverThreads is { } threads ? threads > 0 : configuredServer;
        var mode = serverThreads is { } n
            ? (n > 0 ? $"Server ({n} '{ServerGcThread}' threads in the process" : "Workstation (no server GC thread in the process") + $"; configured {(configuredServer ? "server" : "workstation")} by {serverSource})"
            : $"{(configuredServer ? "Server" : "Workstation")} (configured by {serverSource}; its threads could not be read)";
        if (!server)
        {
            return mode;
        }

        var datas = Setting(environment, config, "GCDynamicAdaptationMode", "System.GC.DynamicAdaptationMode", out var datasSource);
        return datas ?? true
            ? $"{mode}, DATAS on (configured: {(datas is null ? ".NET's default with server GC" : datasSource)})"
            : $"{mode}, DATAS off (configured: {datasSource})";
    }

    /// <summary>A boolean GC setting: a DOTNET_ (or older COMPlus_) variable, hexadecimal like every runtime knob, wins over the runtimeconfig.</summary>
    private static bool? Setting(Dictionary<string, string> environment, JsonElement? config, string knob, string property, out string source)
    {
        foreach (var prefix in new[] { "DOTNET_", "COMPlus_" })
        {
            if (environment.TryGetValue(prefix + knob, out var text) && long.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                source = $"{prefix}{knob}={text}";
                return value != 0;
            }
        }

        if (config is { } root && root.TryGetProperty(property, out var setting))
        {
            source = $"{property}={setting.GetRawText()} in the runtimeconfig";
            return setting.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => setting.GetInt64() != 0,
                _ => null,
            };
        }

        source = "no setting: the runtime's default";
        return null;
    }

    /// <summary>The process's environment variables whose names the runtime reads case-insensitively.</summary>
    private static Dictionary<string, string> ProcessEnvironment(int processId)
    {
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var entry in File.ReadAllText($"/proc/{processId}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var at = entry.IndexOf('=', StringComparison.Ordinal);
                if (at > 0)
                {
                    variables[entry[..at]] = entry[(at + 1)..];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or the process has gone: the runtimeconfig alone says.
        }

        return variables;
    }

    private static JsonElement? RuntimeConfig(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("configProperties", out var properties)
                ? properties.Clone()
                : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? CountThreads(int processId, string name)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{processId}/task")
                .Count(task => File.Exists(Path.Combine(task, "comm")) && File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
