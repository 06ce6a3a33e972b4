using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OneClick.Web.Hosting;

/// <summary>
/// <c>OneClick:ForwardedHeaders</c>: the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
/// the gateway believes (the client address counts for every per-address limit). None by default:
/// a header from anyone else, the same machine included, is ignored (docs/decisions/019).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

public static class TrustedProxies
{
    /// <summary>
    /// Applies forwarded headers from the named proxies only. The framework's own defaults trust
    /// loopback, and with both lists empty it trusts everyone, so without a named proxy the
    /// middleware is left out altogether.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app, ForwardedHeadersSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address)
                ? address
                : throw new InvalidOperationException($"OneClick:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
        }

        foreach (var network in settings.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                ? parsed
                : throw new InvalidOperationException($"OneClick:ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR form such as 10.0.0.0/24."));
        }

        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders(options);
    }
}
