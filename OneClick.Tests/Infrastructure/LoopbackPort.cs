using System.Net;
using System.Net.Sockets;

namespace OneClick.Tests.Infrastructure;

public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago, for a server the test starts itself.</summary>
    public static int Free()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
