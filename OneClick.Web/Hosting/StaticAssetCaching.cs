namespace OneClick.Web.Hosting;

/// <summary>
/// Fingerprinted files (<c>css/checkout.&lt;hash&gt;.css</c>) are cached by browsers for a year, as
/// MapStaticAssets marks them, wherever the gateway runs outside Development. MapStaticAssets treats a
/// build's manifest (what <c>dotnet run</c> and the tests' processes use) as a developer's machine and
/// sends every file with <c>no-cache</c> so that edits show at once; that stays so in Development only.
/// A published gateway has no build manifest, and this changes nothing there.
/// </summary>
public static class StaticAssetCaching
{
    /// <summary>MapStaticAssets' own setting: <c>true</c> re-reads files and turns caching off.</summary>
    public const string ReloadSetting = "ReloadStaticAssetsAtRuntime";

    public static WebApplicationBuilder CacheFingerprintedFilesOutsideDevelopment(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() && builder.Configuration[ReloadSetting] is null)
        {
            builder.Configuration.AddInMemoryCollection([new(ReloadSetting, "false")]);
        }

        return builder;
    }
}
