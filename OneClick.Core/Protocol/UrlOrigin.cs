namespace OneClick.Core.Protocol;

/// <summary>
/// Where a URL's requests go: its scheme, host and port (the scheme's port when none is written).
/// Host names compare without regard to case, IPv6 literals without their brackets.
/// </summary>
public readonly record struct UrlOrigin
{
    private UrlOrigin(string scheme, string host, int port)
    {
        Scheme = scheme.ToLowerInvariant();
        Host = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        Port = port;
    }

    public string Scheme { get; }

    public string Host { get; }

    public int Port { get; }

    public static UrlOrigin Of(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new(url.Scheme, url.IdnHost, url.Port);
    }

    public static UrlOrigin Of(string scheme, string host, int port) => new(scheme, host, port);

    public override string ToString() => $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
