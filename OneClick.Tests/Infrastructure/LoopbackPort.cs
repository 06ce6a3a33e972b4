using System.Net;
using System.Net.Sockets;

namespace OneClick.Tests.Infrastructure;

public static class LoopbackPort
{
    /// <summary>
    /// A port on 127.0.0.1 that was free a moment ago, for a server the test starts itself. It is taken below the
    /// kernel's ephemeral range, like <see cref="FreeRun"/>'s, so that neither a client's socket nor another
    /// test's server bound to port 0 is handed it before this test's server binds it.
    /// </summary>
    public static int Free() => FreeRun(1);

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports on 127.0.0.1 that were all free a moment ago,
    /// for a script that derives its servers' ports from one. They are taken below the kernel's ephemeral
    /// range (32768 and up), which every outgoing connection on the machine draws from, so a run found free
    /// is not soon taken by a client's socket.
    /// </summary>
    public static int FreeRun(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000 - count);
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }

                return first;
            }
            catch (SocketException)
            {
                // One of them is taken: try another run.
            }
            finally
            {
                listeners.ForEach(listener => listener.Stop());
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found between 20000 and 32000.");
    }
}
