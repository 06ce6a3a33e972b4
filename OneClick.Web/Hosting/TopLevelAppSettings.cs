using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace OneClick.Web.Hosting;

public static class TopLevelAppSettings
{
    /// <summary>
    /// The settings a person edits are in <c>appsettings.json</c> at the top of the repository, copied
    /// next to the program at build time. Point the host's own appsettings sources there, in place,
    /// so that environment variables and the command line still override them.
    /// </summary>
    /// <summary>
    /// The README's run command listens on a known port in development, yet ASPNETCORE_URLS or
    /// --urls still decide (a launch profile's applicationUrl would override them).
    /// </summary>
    public static void UseDevelopmentUrlUnlessConfigured(this WebApplicationBuilder builder, string url)
    {
        if (builder.Environment.IsDevelopment()
            && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration["http_ports"])
            && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(url);
        }
    }

    public static void UseTopLevelAppSettings(this ConfigurationManager configuration)
    {
        var folder = AppContext.BaseDirectory;
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                && File.Exists(Path.Combine(folder, path)))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = false,
                    FileProvider = new PhysicalFileProvider(folder),
                };
            }
        }
    }
}
