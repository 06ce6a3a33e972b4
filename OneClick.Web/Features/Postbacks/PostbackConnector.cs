using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OneClick.Core.Protocol;

namespace OneClick.Web.Features.Postbacks;

/// <summary>Resolves host names for outgoing postbacks; a test replaces it to map a name to any address.</summary>
public class HostResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// Opens the sockets of postbacks. A merchant's host name is resolved here and the socket goes to an
/// address checked here, so a name that resolves (or re-resolves: DNS rebinding) into the gateway's
/// own network is refused, by the same rule as an address written in the URL
/// (<see cref="MerchantUrl.PointsInside"/>). Address literals were judged when the URL was saved.
/// Host names the operator configured (the seeded and demo shops, <see cref="PostbackOptions.PrivateHosts"/>)
/// may resolve inside.
/// </summary>
public sealed class PostbackConnector(HostResolver resolver, IOptions<PostbackOptions> options)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await AllowedAddressesAsync(host, port, cancellationToken);
        SocketException? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failure ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<IPAddress[]> AllowedAddressesAsync(string host, int port, CancellationToken cancellationToken)
    {
        var resolved = await resolver.ResolveAsync(host, cancellationToken);
        if (MayResolveInside(host, port))
        {
            return resolved;
        }

        var outside = resolved.Where(a => !MerchantUrl.IsInside(a)).ToArray();
        return outside.Length > 0 || resolved.Length == 0 ? outside : throw new PostbackHostRefusedException(host);
    }

    /// <summary>
    /// Only the operator's own host and port: another shop naming the same host on another port
    /// (a database, a cache) stays refused. An entry without a port means the web's ports, 80 and 443.
    /// </summary>
    private bool MayResolveInside(string host, int port) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || options.Value.PrivateHosts.Any(entry => Matches(entry.Trim(), host, port));

    private static bool Matches(string entry, string host, int port)
    {
        var colon = entry.LastIndexOf(':');
        return colon > 0 && int.TryParse(entry.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var entryPort)
            ? entryPort == port && host.Equals(entry[..colon], StringComparison.OrdinalIgnoreCase)
            : port is 80 or 443 && host.Equals(entry, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A postback's host resolves only into the gateway's own network: recorded as the attempt's error.</summary>
public sealed class PostbackHostRefusedException(string host)
    : Exception($"Refused: {host} resolves only to private, loopback or link-local addresses")
{
    public string Host { get; } = host;
}
