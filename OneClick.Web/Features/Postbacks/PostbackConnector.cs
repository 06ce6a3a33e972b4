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
/// Opens the sockets of postbacks, and judges here, as the socket opens, every address it would
/// reach: an address literal in the URL and every address a host name resolves (or re-resolves: DNS
/// rebinding) to. An address in the gateway's own machine or network (<see cref="MerchantUrl.IsInside"/>)
/// is reached only at an origin the operator named exactly, scheme, host and port
/// (<see cref="InsideOrigins"/>: <see cref="PostbackOptions.PrivateHosts"/>, the seeded and demo shops'
/// postback URLs); no name (localhost neither) and no port is exempt otherwise. A saved URL was
/// judged when it was saved, but only by what it spells; this is where it is judged by where it leads.
/// </summary>
public sealed class PostbackConnector(HostResolver resolver, IOptions<PostbackOptions> options)
{
    private readonly InsideOrigins operatorOrigins = InsideOrigins.Parse(options.Value.PrivateHosts);

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? Uri.UriSchemeHttp;
        var addresses = await AllowedAddressesAsync(scheme, host, port, cancellationToken);
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

    /// <summary>Whether the operator named this very origin as a destination inside our network.</summary>
    public bool OperatorNamed(string scheme, string host, int port) => operatorOrigins.Allows(UrlOrigin.Of(scheme, host, port));

    private async Task<IPAddress[]> AllowedAddressesAsync(string scheme, string host, int port, CancellationToken cancellationToken)
    {
        var literal = IPAddress.TryParse(host.Trim('[', ']'), out var address);
        var resolved = literal ? [address!] : await resolver.ResolveAsync(host, cancellationToken);
        if (OperatorNamed(scheme, host, port))
        {
            return resolved;
        }

        var outside = resolved.Where(a => !MerchantUrl.IsInside(a)).ToArray();
        return outside.Length > 0 || resolved.Length == 0 ? outside : throw new PostbackHostRefusedException(host, literal);
    }
}

/// <summary>A postback's host is, or resolves only, into the gateway's own network: recorded as the attempt's error.</summary>
public sealed class PostbackHostRefusedException(string host, bool literal)
    : Exception(literal
        ? $"Refused: {host} is a private, loopback or link-local address"
        : $"Refused: {host} resolves only to private, loopback or link-local addresses")
{
    public string Host { get; } = host;
}
