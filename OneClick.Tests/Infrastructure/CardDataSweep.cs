using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// What every gateway of the test run served and left behind, scanned for card data
/// (<see cref="CardDataDetector"/>) and for missing security headers and cookie attributes:
/// each response as it completes (<see cref="ResponseRecording"/>, <see cref="RecordingHandler"/>),
/// each host's logs and data folder (database, WAL, outbox, keys) when it is disposed, before the
/// folder is deleted. Only findings and counts are kept, so memory stays flat over the whole run;
/// <c>CardDataSweepTests</c> runs after every other test and asserts on them.
/// <c>ONECLICK_TEST_SWEEP=0</c> turns it off (to measure what it costs).
/// </summary>
public static partial class CardDataSweep
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("ONECLICK_TEST_SWEEP") != "0";

    private const int Kept = 40;

    private static long gateways, processes, demoShops, live, responses, htmlResponses, responseBytes, uncapturedBytes;
    private static long files, fileBytes, databases, databasesWithSavedCards, databaseValues, logLines, logChars, cookies;
    private static long responseCpu, logCpu, fileCpu, databaseCpu;
    private static long findingCount, headerProblemCount, cookieProblemCount;
    private static readonly ConcurrentDictionary<int, long> StatusCounts = new();
    private static readonly ConcurrentDictionary<string, byte> CookieNames = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> LiveHosts = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> FindingList = new();
    private static readonly ConcurrentQueue<string> HeaderProblemList = new();
    private static readonly ConcurrentQueue<string> CookieProblemList = new();

    /// <summary>CPU time spent scanning, summed over the threads that scanned (what the sweep costs the run).</summary>
    public sealed record ScanTimes(TimeSpan Responses, TimeSpan Logs, TimeSpan Files, TimeSpan Databases)
    {
        public TimeSpan Total => Responses + Logs + Files + Databases;

        public override string ToString() =>
            $"{Total.TotalSeconds:0.0} s (responses {Responses.TotalSeconds:0.0}, logs {Logs.TotalSeconds:0.0}, files {Files.TotalSeconds:0.0}, databases {Databases.TotalSeconds:0.0})";
    }

    /// <summary>The counts so far.</summary>
    public sealed record Figures(
        long Gateways, long GatewayProcesses, long DemoShops, long LiveHosts, long Responses, long HtmlResponses,
        long ResponseBytes, long UncapturedBytes, long Files, long FileBytes, long Databases, long DatabasesWithSavedCards,
        long DatabaseValues, long LogLines, long LogChars, long Cookies, ScanTimes ScanTime,
        long Findings, long HeaderProblems, long CookieProblems, IReadOnlyDictionary<int, long> Statuses, IReadOnlyList<string> CookieNames);

    public static Figures Current => new(
        Read(ref gateways), Read(ref processes), Read(ref demoShops), Read(ref live), Read(ref responses), Read(ref htmlResponses),
        Read(ref responseBytes), Read(ref uncapturedBytes), Read(ref files), Read(ref fileBytes), Read(ref databases), Read(ref databasesWithSavedCards),
        Read(ref databaseValues), Read(ref logLines), Read(ref logChars), Read(ref cookies),
        new ScanTimes(Time(ref responseCpu), Time(ref logCpu), Time(ref fileCpu), Time(ref databaseCpu)),
        Read(ref findingCount), Read(ref headerProblemCount), Read(ref cookieProblemCount),
        new SortedDictionary<int, long>(StatusCounts), [.. CookieNames.Keys.Order(StringComparer.Ordinal)]);

    /// <summary>Card data found (at most the first 40, masked): where, what, an excerpt.</summary>
    public static IReadOnlyCollection<string> Findings => FindingList;

    /// <summary>Responses without the security headers (the first 40): status, method, path, host.</summary>
    public static IReadOnlyCollection<string> HeaderProblems => HeaderProblemList;

    /// <summary>Set-Cookie headers without HttpOnly, SameSite or (where required) Secure (the first 40).</summary>
    public static IReadOnlyCollection<string> CookieProblems => CookieProblemList;

    /// <summary>Hosts started and not disposed yet, by label.</summary>
    public static IReadOnlyCollection<string> LiveHostLabels => [.. LiveHosts.Values];

    /// <summary>
    /// A host of <paramref name="kind"/> starts; the label names it in findings: its number and the
    /// test class that made it (none for a class fixture, which xUnit makes).
    /// </summary>
    public static string HostStarted(string kind)
    {
        var number = kind switch
        {
            "gateway" => Interlocked.Increment(ref gateways),
            "gateway process" => Interlocked.Increment(ref processes),
            _ => Interlocked.Increment(ref demoShops),
        };
        Interlocked.Increment(ref live);
        var label = $"{kind} #{number} ({TestClass()})";
        LiveHosts[label] = label;
        return label;
    }

    public static void HostStopped(string label)
    {
        if (LiveHosts.TryRemove(label, out _))
        {
            Interlocked.Decrement(ref live);
        }
    }

    /// <summary>
    /// One response: its headers checked, its headers (a Location among them) and body scanned. The
    /// request's own URL is the client's, not the gateway's: what the gateway sends a browser to is in
    /// the Location headers and links it answers with.
    /// </summary>
    /// <summary>A body sent with Brotli or gzip, unpacked; null for one sent as it is (or that does not unpack: scanned as it is).</summary>
    private static byte[]? Unpacked(ReadOnlySpan<byte> body, string? contentEncoding)
    {
        if (contentEncoding is not ("br" or "gzip") || body.IsEmpty)
        {
            return null;
        }

        try
        {
            using var packed = new MemoryStream(body.ToArray());
            using Stream unpacking = contentEncoding == "br"
                ? new System.IO.Compression.BrotliStream(packed, System.IO.Compression.CompressionMode.Decompress)
                : new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionMode.Decompress);
            using var plain = new MemoryStream();
            unpacking.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public static void Response(string host, string method, string pathAndQuery, int status, IEnumerable<KeyValuePair<string, StringValues>> headers, ReadOnlySpan<byte> body, long uncaptured, bool secureCookies)
    {
        var started = ThreadCpu.Now();
        Interlocked.Increment(ref responses);
        Interlocked.Add(ref responseBytes, body.Length);
        Interlocked.Add(ref uncapturedBytes, uncaptured);
        StatusCounts.AddOrUpdate(status, 1, (_, n) => n + 1);
        var where = $"{host}: {status} {method} {PathOnly(pathAndQuery)}";

        var headerText = new StringBuilder();
        string? csp = null, nosniff = null, referrer = null, contentType = null, contentEncoding = null;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values.OfType<string>())
            {
                headerText.Append(name).Append(": ").Append(value).Append('\n');
                switch (name.ToUpperInvariant())
                {
                    case "CONTENT-SECURITY-POLICY":
                        csp = value;
                        break;
                    case "X-CONTENT-TYPE-OPTIONS":
                        nosniff = value;
                        break;
                    case "REFERRER-POLICY":
                        referrer = value;
                        break;
                    case "CONTENT-TYPE":
                        contentType = value;
                        break;
                    case "CONTENT-ENCODING":
                        contentEncoding = value;
                        break;
                    case "SET-COOKIE":
                        CheckCookie(where, value, secureCookies);
                        break;
                }
            }
        }

        if (contentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            Interlocked.Increment(ref htmlResponses);
        }

        var missing = new List<string>();
        if (csp?.Contains("frame-ancestors 'none'", StringComparison.Ordinal) != true)
        {
            missing.Add(csp is null ? "Content-Security-Policy" : "frame-ancestors 'none' in its CSP");
        }

        if (!string.Equals(nosniff, "nosniff", StringComparison.OrdinalIgnoreCase))
        {
            missing.Add("X-Content-Type-Options: nosniff");
        }

        if (string.IsNullOrEmpty(referrer))
        {
            missing.Add("Referrer-Policy");
        }

        if (missing.Count > 0)
        {
            Add(HeaderProblemList, ref headerProblemCount, $"{where} lacks {string.Join(", ", missing)}");
        }

        foreach (var finding in CardDataDetector.ScanText(headerText.ToString()))
        {
            AddFinding($"{where}: response headers: {finding.Kind}: {finding.Excerpt}");
        }

        // A body sent compressed (to a browser) is read as the browser reads it.
        var unpacked = Unpacked(body, contentEncoding);
        ReadOnlySpan<byte> scanned = unpacked is null ? body : unpacked;
        if (FirstTimeSeen(scanned))
        {
            foreach (var finding in CardDataDetector.ScanBytes(scanned, utf16: false))
            {
                AddFinding($"{where}: response body: {finding.Kind}: {finding.Excerpt}");
            }
        }

        Interlocked.Add(ref responseCpu, ThreadCpu.Now() - started);
    }

    /// <summary>A host's log lines, scanned a megabyte at a time.</summary>
    public static void Logs(string host, IEnumerable<string> lines)
    {
        var started = ThreadCpu.Now();
        var chunk = new StringBuilder();
        void Scan()
        {
            foreach (var finding in CardDataDetector.ScanText(chunk.ToString()))
            {
                AddFinding($"{host}: logs: {finding.Kind}: {finding.Excerpt}");
            }

            Interlocked.Add(ref logChars, chunk.Length);
            chunk.Clear();
        }

        foreach (var line in lines)
        {
            Interlocked.Increment(ref logLines);
            chunk.Append(line).Append('\n');
            if (chunk.Length > 1 << 20)
            {
                Scan();
            }
        }

        Scan();
        Interlocked.Add(ref logCpu, ThreadCpu.Now() - started);
    }

    /// <summary>
    /// Whether a large body is new to the sweep: the same stylesheet or script served again is
    /// scanned once (by its SHA-256), since whatever it held was found the first time.
    /// </summary>
    private static bool FirstTimeSeen(ReadOnlySpan<byte> body)
    {
        if (body.Length < 16 * 1024)
        {
            return true;
        }

        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(body, hash);
        return LargeBodies.TryAdd(Convert.ToHexString(hash), 0);
    }

    private static readonly ConcurrentDictionary<string, byte> LargeBodies = new(StringComparer.Ordinal);

    private static void CheckCookie(string where, string setCookie, bool secureRequired)
    {
        Interlocked.Increment(ref cookies);
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var cookieName = parts[0].Split('=')[0];
        CookieNames.TryAdd(cookieName, 0);
        var attributes = parts.Skip(1).Select(p => p.Split('=')[0].ToUpperInvariant()).ToHashSet();
        var missing = new List<string>();
        if (!attributes.Contains("HTTPONLY"))
        {
            missing.Add("HttpOnly");
        }

        if (!attributes.Contains("SAMESITE"))
        {
            missing.Add("SameSite");
        }

        if (secureRequired && !attributes.Contains("SECURE"))
        {
            missing.Add("Secure");
        }

        if (missing.Count > 0)
        {
            Add(CookieProblemList, ref cookieProblemCount, $"{where}: cookie {cookieName} lacks {string.Join(", ", missing)}");
        }
    }

    private static void AddFinding(string finding) => Add(FindingList, ref findingCount, finding);

    private static void Add(ConcurrentQueue<string> list, ref long count, string item)
    {
        if (Interlocked.Increment(ref count) <= Kept)
        {
            list.Enqueue(item);
        }
    }

    private static long Read(ref long counter) => Interlocked.Read(ref counter);

    private static TimeSpan Time(ref long nanoseconds) => TimeSpan.FromTicks(Interlocked.Read(ref nanoseconds) / 100);

    /// <summary>A path without its query: what a problem list shows (a query could hold what a finding masks).</summary>
    private static string PathOnly(string pathAndQuery) => pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? pathAndQuery[..q] + "?…" : pathAndQuery;

    /// <summary>The test class that is making a host, from the stack; none when xUnit makes it as a class fixture.</summary>
    private static string TestClass()
    {
        foreach (var frame in new StackTrace().GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            while (type?.DeclaringType is not null && type.Name.StartsWith('<'))
            {
                type = type.DeclaringType;
            }

            if (type?.Namespace?.StartsWith("OneClick.Tests", StringComparison.Ordinal) == true
                && type.Namespace != typeof(CardDataSweep).Namespace && type.Name != "DemoShopClient")
            {
                return type.Name;
            }
        }

        return "class fixture";
    }

    /// <summary>
    /// The calling thread's CPU time in nanoseconds (Linux), so that what the sweep costs is measured
    /// apart from the waits of a busy machine; elsewhere the wall clock.
    /// </summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3;

        private static bool available = OperatingSystem.IsLinux();

        public static long Now()
        {
            if (available)
            {
                try
                {
                    if (clock_gettime(ClockThreadCpuTime, out var time) == 0)
                    {
                        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
                    }
                }
                catch (EntryPointNotFoundException)
                {
                }
                catch (DllNotFoundException)
                {
                }

                available = false;
            }

            return (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", SetLastError = false)]
        private static extern int clock_gettime(int clockId, out Timespec time);
    }
}
