using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace OneClick.Web.Hosting;

/// <summary>
/// Pages, stylesheets, scripts and JSON answers go out compressed (Brotli, else gzip) to a client that
/// asks for it: a buyer's order page is read on a phone (issue 23). A publish precompresses the files
/// once (MapStaticAssets serves those copies); a build's files are compressed here as they are sent,
/// as is what is rendered per request. Plain text is
/// left out, so SignalR's long-polling answers to the Personal Account go out as they are written.
/// Over HTTPS too: the secrets a page carries are its antiforgery token, which data protection
/// encrypts afresh for every response (a random IV), so no two compressed pages share it for a BREACH
/// guess to measure (decision 031).
/// </summary>
public static class Compression
{
    public static readonly string[] MimeTypes =
    [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json", "application/problem+json", "image/svg+xml",
    ];

    public static IServiceCollection AddResponseCompressionOfPages(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = MimeTypes;
        });
        // The fastest levels: a page is a few kilobytes, and each is compressed on the request's own time.
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        return services;
    }
}
