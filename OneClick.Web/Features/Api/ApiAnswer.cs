using System.Text.Json;
using OneClick.Core.Orders;

namespace OneClick.Web.Features.Api;

/// <summary>
/// One answer of the JSON API: a status and a JSON body, kept as text so that an idempotent replay
/// sends the very same bytes. Errors are RFC 9457 problem details that name the field and the rule.
/// </summary>
public sealed record ApiAnswer(int Status, string Body)
{
    /// <summary>
    /// An answer that tells the merchant to send the request again in a moment (a payment in flight):
    /// not kept for its idempotency key, or the retry it asks for would get it again for 24 hours.
    /// </summary>
    public bool Retryable { get; init; }

    public const string ProblemContentType = "application/problem+json";

    /// <summary>Problem types are names, not addresses (RFC 9457 allows a URN): nothing to dereference.</summary>
    public const string ProblemTypePrefix = "urn:oneclick:problem:";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // Served as application/json, never inside HTML: quotes and apostrophes in messages stay readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public bool IsProblem => Status >= 400;

    public static ApiAnswer Ok<T>(T body) => new(StatusCodes.Status200OK, JsonSerializer.Serialize(body, Json));

    /// <summary>A problem: <paramref name="title"/> is the kind, <paramref name="detail"/> what to do about it.</summary>
    public static ApiAnswer Problem(int status, string type, string title, string detail, IEnumerable<ParameterError>? errors = null)
    {
        var grouped = errors?
            .GroupBy(e => e.Parameter, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
        var problem = new ApiProblem(ProblemTypePrefix + type, title, status, detail, grouped is { Count: > 0 } ? grouped : null);
        return new(status, JsonSerializer.Serialize(problem, Json));
    }

    public static ApiAnswer Invalid(IReadOnlyList<ParameterError> errors) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "invalid-request", "The request breaks a rule",
            errors.Count == 1 ? $"{errors[0].Parameter} {errors[0].Message}" : $"{errors.Count} fields break a rule: see errors.", errors);

    public static ApiAnswer NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static ApiAnswer Conflict(string type, string detail, string? field = null, string? message = null, bool retryable = false) =>
        Problem(StatusCodes.Status409Conflict, type, "Conflict", detail, field is null ? null : [new ParameterError(field, message ?? detail)]) with { Retryable = retryable };

    /// <summary>A value the caller sent, echoed in a message: at most <paramref name="max"/> characters.</summary>
    public static string Echo(string value, int max = 64) => value.Length > max ? value[..max] + "…" : value;

    public IResult ToResult(bool replayed = false) => new Written(this, replayed);

    private sealed class Written(ApiAnswer answer, bool replayed) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.Status;
            httpContext.Response.ContentType = answer.IsProblem ? ProblemContentType : "application/json; charset=utf-8";
            if (replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return httpContext.Response.WriteAsync(answer.Body, httpContext.RequestAborted);
        }
    }
}

/// <summary>RFC 9457 problem details; <see cref="Errors"/> maps each field (its JSON path) to the rules it breaks.</summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, IReadOnlyDictionary<string, string[]>? Errors);
