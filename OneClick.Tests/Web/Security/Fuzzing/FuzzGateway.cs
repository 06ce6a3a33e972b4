using System.Data.Common;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>A request exactly as it goes on the wire (percent-encoding and all), so that a failure can be replayed.</summary>
public sealed record RawRequest(string Method, string Path, string Query = "", byte[]? Body = null, string? ContentType = null)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public static RawRequest Get(string path, string query = "") => new(HttpMethods.Get, path, query);

    public static RawRequest Post(string path, string body, string? contentType, string query = "") =>
        new(HttpMethods.Post, path, query, Encoding.UTF8.GetBytes(body), contentType);

    public RawRequest WithHeader(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

    /// <summary>Method, path, query, headers and body, each shortened, non-printables escaped.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Method).Append(' ').Append(Shorten(Path + Query, 400));
        foreach (var (name, value) in Headers)
        {
            text.Append("\n  ").Append(Shorten(name, 80)).Append(": ").Append(Shorten(value, 200));
        }

        if (ContentType is not null)
        {
            text.Append("\n  Content-Type: ").Append(Shorten(ContentType, 200));
        }

        if (Body is not null)
        {
            text.Append("\n  body (").Append(Body.Length).Append(" bytes): ").Append(Shorten(Encoding.UTF8.GetString(Body), 400));
        }

        return text.ToString();
    }

    public static string Shorten(string value, int max)
    {
        var shown = value.Length <= max ? value : value[..max] + $"…(+{value.Length - max} chars)";
        var escaped = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            escaped.Append(c is < ' ' or (>= '\u007F' and <= '\u009F') or (>= '\u2000' and <= '\u206F') or '\uFEFF' or (>= '\uD800' and <= '\uDFFF')
                ? $"\\u{(int)c:X4}"
                : c.ToString());
        }

        return escaped.ToString();
    }
}

public sealed record RawResponse(int Status, string? ContentType, string Body, IHeaderDictionary Headers)
{
    public string? Location => Headers.Location.Count > 0 ? Headers.Location.ToString() : null;

    /// <summary>The text a person reads: an HTML page's main content without its tags.</summary>
    public string Text => ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true
        ? new AngleSharp.Html.Parser.HtmlParser().ParseDocument(Body).QuerySelector("main")?.TextContent ?? Body
        : Body;

    public override string ToString() => $"{Status} {ContentType} {RawRequest.Shorten(Text, 600)}";
}

/// <summary>
/// One generated request and what it must get: <see cref="Check"/> returns why the answer is wrong, or
/// null. Every case is also held to the rules of <see cref="FuzzGateway.RunAsync"/>.
/// </summary>
public sealed record FuzzCase(string Family, RawRequest Request, Func<RawResponse, string?> Check)
{
    /// <summary>4xx is the rule; a case that may also be answered otherwise says so (the order page's re-rendered form).</summary>
    public Func<int, bool> AllowedStatus { get; init; } = status => status is >= 400 and < 500;
}

/// <summary>
/// A gateway for the fuzz suite, with the limits raised so that 429 hides nothing. It sends raw
/// requests through the test server (no client normalises the URL) and holds every answer to the
/// rules of the issue: 4xx, never 5xx; a clear body without a stack trace or an exception's name; and
/// the database holds nothing new except log rows.
/// </summary>
/// <remarks>
/// Log rows: the gateway's database has no request log, and no refused request writes the audit log
/// (staff actions only); Hangfire keeps its bookkeeping in memory, apart from the database. The
/// one row a refused request may leave is an API idempotency record whose stored answer is a 4xx
/// (decision 014: the first answer to a key is kept 24 hours and replayed, refusals included, except
/// a "try again" 409; a body the API cannot read is refused before any key is recorded), with its id
/// counter in sqlite_sequence; such a row records an answer and creates nothing.
/// </remarks>
public class FuzzGateway : IDisposable
{
    public FuzzGateway()
    {
        Gateway = new GatewayFactory()
            .Set("OneClick:Seed:OneClickEnabled", "true")
            .Set("OneClick:Seed:ApiKey", MerchantApi.SeededKey);
    }

    public GatewayFactory Gateway { get; }

    public async Task<RawResponse> SendAsync(RawRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = await Gateway.Server.SendAsync(http =>
        {
            http.Request.Method = request.Method;
            http.Request.Scheme = "http";
            http.Request.Host = new HostString("localhost");
            // Decoded as Kestrel decodes a path: all but %2F, invalid sequences left as they are.
            http.Request.Path = PathString.FromUriComponent(request.Path);
            http.Request.QueryString = new QueryString(request.Query.Length == 0 || request.Query.StartsWith('?') ? request.Query : "?" + request.Query);
            foreach (var (name, value) in request.Headers)
            {
                http.Request.Headers.Append(name, value);
            }

            if (request.ContentType is not null)
            {
                http.Request.ContentType = request.ContentType;
            }

            if (request.Body is not null)
            {
                http.Request.Body = new MemoryStream(request.Body);
                http.Request.ContentLength = request.Body.Length;
            }
        });
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return new RawResponse(context.Response.StatusCode, context.Response.ContentType, await reader.ReadToEndAsync(), context.Response.Headers);
    }

    /// <summary>
    /// Sends every case in turn, and fails with every wrong answer: the seed, the family, the request to
    /// replay and the answer, and each row a request left in the database.
    /// </summary>
    public async Task RunAsync(MalformedInput input, IEnumerable<FuzzCase> cases)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(cases);
        _ = Gateway.Server; // started, its database migrated
        await using var database = DatabaseFile.OpenReadOnly(Gateway.DataDirectory);
        var before = await SnapshotAsync(database);
        var version = await DataVersionAsync(database);
        var failures = new List<string>();
        var count = 0;
        foreach (var fuzz in cases)
        {
            count++;
            var response = await SendAsync(fuzz.Request);
            var problem = Judge(fuzz, response);
            // SQLite's data_version (PostgreSQL's write-ahead log position) moves when another connection
            // commits: only then are the rows compared, so that what is stored is put down to the request that stored it.
            if (await DataVersionAsync(database) is var now && now != version)
            {
                version = now;
                var after = await SnapshotAsync(database);
                var stored = Compare(before, after);
                before = after;
                if (stored.Count > 0)
                {
                    problem = (problem is null ? "" : problem + "; and ") + "it left in the database:\n    " + string.Join("\n    ", stored.Take(10));
                }
            }

            if (problem is not null)
            {
                failures.Add($"seed {input.Seed}, case {count} ({fuzz.Family}): {problem}\n  {fuzz.Request}\n  → {response}");
            }
        }

        if (failures.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{failures.Count} of {count} malformed requests were answered wrongly (replay with seed {input.Seed}):\n\n"
                + string.Join("\n\n", failures.Take(15)) + (failures.Count > 15 ? $"\n\n… and {failures.Count - 15} more" : ""));
        }

        count.ShouldBeGreaterThan(0);
    }

    private static async Task<string> DataVersionAsync(DbConnection database)
    {
        await using var command = database.CreateCommand();
        command.CommandText = database is SqliteConnection ? "PRAGMA data_version" : "SELECT pg_current_wal_insert_lsn()::text";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    /// <summary>Words that only an unhandled error puts into an answer.</summary>
    private static readonly string[] LeakMarkers = ["Exception", "System.", "Microsoft.", "   at ", "stack trace", "StackTrace", "Unhandled"];

    private static string? Judge(FuzzCase fuzz, RawResponse response)
    {
        if (response.Status >= 500)
        {
            return $"a server error ({response.Status})";
        }

        if (response.Status == StatusCodes.Status429TooManyRequests)
        {
            return "rate limited: 429 hides the answer (raise the limit in the fixture)";
        }

        if (!fuzz.AllowedStatus(response.Status))
        {
            return $"status {response.Status} where a refusal was due";
        }

        if (response.Status >= 400 && string.IsNullOrWhiteSpace(response.Body))
        {
            return "an empty body: a refusal must say what is wrong";
        }

        if (LeakMarkers.FirstOrDefault(m => response.Body.Contains(m, StringComparison.Ordinal)) is { } leak)
        {
            return $"the body holds '{leak}': an internal error's words, not a message";
        }

        return fuzz.Check(response);
    }

    // ---- the database before and after ----

    /// <summary>Every row of every table of oneclick.db, as text keyed by table.</summary>
    private static async Task<Dictionary<string, HashSet<string>>> SnapshotAsync(DbConnection connection) =>
        (await DatabaseFile.RowsAsync(connection)).ToDictionary(
            table => table.Key,
            table => table.Value.Select(row => string.Concat(row.Select(c => $"{c.Column}={c.Value ?? "NULL"} | "))).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

    /// <summary>Rows added, changed or removed, except log rows (see the remarks of this class).</summary>
    private static List<string> Compare(Dictionary<string, HashSet<string>> before, Dictionary<string, HashSet<string>> after)
    {
        var changes = new List<string>();
        foreach (var (table, rows) in after)
        {
            var old = before.GetValueOrDefault(table) ?? [];
            changes.AddRange(rows.Except(old).Where(row => !IsLogRow(table, row)).Select(row => $"+ {table}: {RawRequest.Shorten(row, 400)}"));
            changes.AddRange(old.Except(rows).Where(row => !IsLogRow(table, row)).Select(row => $"- {table}: {RawRequest.Shorten(row, 400)}"));
        }

        return changes;
    }

    /// <summary>An idempotency record of a 4xx answer, and the id counter of that table (added rows only for the record itself).</summary>
    private static bool IsLogRow(string table, string row) => table switch
    {
        "IdempotencyRecords" => row.Contains(" | StatusCode=4", StringComparison.Ordinal),
        "sqlite_sequence" => row.StartsWith("name=IdempotencyRecords | ", StringComparison.Ordinal),
        _ => false,
    };

    public void Dispose()
    {
        Gateway.Dispose();
        GC.SuppressFinalize(this);
    }
}
