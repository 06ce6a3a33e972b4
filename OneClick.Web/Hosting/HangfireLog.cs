using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace OneClick.Web.Hosting;

/// <summary>
/// Hangfire's own log lines (its server's start and stop, storage trouble) have one provider per
/// process. A gateway is one host; the tests start many, side by side and one after another, so
/// the lines go to the newest host still running, and none to a host already disposed.
/// </summary>
public sealed class HangfireLog : ILogProvider
{
    public static readonly HangfireLog Process = new();

    private readonly List<AspNetCoreLogProvider> hosts = [];

    private HangfireLog()
    {
    }

    /// <summary>Sends the lines to this host's log until the returned registration is disposed (with the host's services).</summary>
    public Registration Register(ILoggerFactory loggerFactory)
    {
        var provider = new AspNetCoreLogProvider(loggerFactory);
        lock (hosts)
        {
            hosts.Add(provider);
        }

        return new Registration(this, provider);
    }

    public ILog GetLogger(string name) => new Forwarded(this, name);

    private AspNetCoreLogProvider? Newest()
    {
        lock (hosts)
        {
            return hosts.Count == 0 ? null : hosts[^1];
        }
    }

    private sealed class Forwarded(HangfireLog log, string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception exception)
        {
            try
            {
                return log.Newest()?.GetLogger(name).Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false; // its host stopped between the look and the line
            }
        }
    }

    /// <summary>A host's place in the log, a singleton of its services: given up when they are disposed.</summary>
    public sealed class Registration(HangfireLog log, AspNetCoreLogProvider provider) : IDisposable
    {
        public void Dispose()
        {
            lock (log.hosts)
            {
                log.hosts.Remove(provider);
            }
        }
    }
}
