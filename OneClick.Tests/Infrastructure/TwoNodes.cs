using System.Diagnostics;
using System.Net;
using Npgsql;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Two gateway processes on one PostgreSQL database behind HAProxy, started by the repository's own
/// <c>scripts/two-nodes.sh</c> (as an operator would) with this build's gateway, on a database of
/// their own copied from the suite's migrated template.
/// </summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private readonly TemporaryFolder state = new("two-nodes");
    private readonly Dictionary<string, string> settings;
    private int balancerPort = LoopbackPort.FreeRun(3);

    public TwoNodes(IDictionary<string, string> settings)
    {
        this.settings = new Dictionary<string, string>(settings);
        Database = "oneclick_n_" + Guid.NewGuid().ToString("N");
    }

    public string Database { get; }

    /// <summary>The balancer, which sends each request to the next node.</summary>
    public Uri Balancer => new($"http://127.0.0.1:{balancerPort}");

    /// <summary>Node 1 or 2, reached directly.</summary>
    public Uri Node(int node) => new($"http://127.0.0.1:{balancerPort + node}");

    public async Task StartAsync()
    {
        await TestDatabase.CreateAsync(Database);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunScriptAsync("start");
                return;
            }
            catch (InvalidOperationException failed) when (attempt < 3 && PortWasTaken(failed.Message))
            {
                // Another test's server took one of the three ports between the check and the bind (CI saw it
                // once): start both nodes again on three others.
                await RunScriptAsync("stop");
                balancerPort = LoopbackPort.FreeRun(3);
            }
        }
    }

    /// <summary>Whether a node (its log) or the balancer (the script's output) could not bind its port.</summary>
    private bool PortWasTaken(string scriptOutput) =>
        new[] { scriptOutput, LogTail(1), LogTail(2) }.Any(text =>
            text.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            || text.Contains("cannot bind socket", StringComparison.OrdinalIgnoreCase));

    /// <summary>kill -9 of a node, as a crash would.</summary>
    public Task KillAsync(int node) => RunScriptAsync("kill", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A client whose requests go to node 1, then node 2, then node 1 again (cookies kept), whatever address they name.</summary>
    public HttpClient AlternatingClient(CookieContainer cookies) =>
        new(new Alternating(this, new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies })) { BaseAddress = Node(1) };

    /// <summary>The last lines node 1 or 2 wrote to its log: what a failed test shows of it.</summary>
    public string LogTail(int node, int lines = 40)
    {
        var log = Path.Combine(state.Path, $"node{node}.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(lines)) : $"(no log at {log})";
    }

    /// <summary>The first column of a query on the nodes' database.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunScriptAsync("stop");
        }
        finally
        {
            await TestDatabase.DropAsync(Database);
            state.Dispose();
        }
    }

    private async Task RunScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(RepositoryFolder.Root, "scripts", "two-nodes.sh");
        var start = new ProcessStartInfo("bash", [script, .. arguments])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFolder.Root,
        };
        start.Environment["ONECLICK_NODES_STATE"] = state.Path;
        start.Environment["ONECLICK_LB_PORT"] = balancerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ONECLICK_NODES_DB"] = TestDatabase.ConnectionStringFor(Database);
        start.Environment["ONECLICK_WEB_DLL"] = Path.Combine(AppContext.BaseDirectory, "OneClick.Web.dll");
        start.Environment["OneClick__MasterKey"] = TestDatabase.SharedMasterKey;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/two-nodes.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    /// <summary>Sends each request to the other node than the last one.</summary>
    private sealed class Alternating(TwoNodes nodes, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var node = nodes.Node(Interlocked.Increment(ref next) % 2 == 1 ? 1 : 2);
            request.RequestUri = new UriBuilder(request.RequestUri!) { Host = node.Host, Port = node.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
