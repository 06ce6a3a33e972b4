namespace OneClick.Core.Protocol;

/// <summary>
/// The inside destinations the operator named (PostbackOptions.PrivateHosts, the seeded shop's and the
/// demo shop's postback URLs): a URL that leads into the gateway's own machine or network
/// (<see cref="MerchantUrl.IsInside"/>) is called only at exactly one of these origins. Another port of
/// the same host is another service (SSH, a database, an admin page), never the merchant's web server.
/// </summary>
public sealed class InsideOrigins
{
    private readonly HashSet<UrlOrigin> origins;

    private InsideOrigins(IEnumerable<UrlOrigin> origins) => this.origins = [.. origins];

    public IReadOnlyCollection<UrlOrigin> Origins => origins;

    /// <summary>
    /// Entries as the operator writes them: a URL (<c>http://10.0.0.5:8080/postback</c>: that scheme,
    /// host and port), <c>host:port</c> (http or https on that port only), or a bare <c>host</c>
    /// (http on 80, https on 443). Anything else names nothing.
    /// </summary>
    public static InsideOrigins Parse(IEnumerable<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new(entries.SelectMany(entry => Entry(entry?.Trim() ?? "")));
    }

    public bool Allows(UrlOrigin origin) => origins.Contains(origin);

    private static IEnumerable<UrlOrigin> Entry(string entry)
    {
        if (entry.Length == 0)
        {
            return [];
        }

        if (entry.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(entry, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.IdnHost.Length > 0
                ? [UrlOrigin.Of(url)]
                : [];
        }

        // host:port and [v6]:port have a port; a bare IPv6 address (::1) has colons but none.
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && (entry[colon - 1] == ']' || entry.IndexOf(':') == colon))
        {
            return int.TryParse(entry.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? [UrlOrigin.Of(Uri.UriSchemeHttp, entry[..colon], port), UrlOrigin.Of(Uri.UriSchemeHttps, entry[..colon], port)]
                : [];
        }

        return [UrlOrigin.Of(Uri.UriSchemeHttp, entry, 80), UrlOrigin.Of(Uri.UriSchemeHttps, entry, 443)];
    }
}
