using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace OneClick.Web.Features.Health;

/// <summary>
/// The JSON of /health/live and /health/ready, indented for a person reading it with curl:
/// <c>status</c>, <c>readAt</c>, <c>totalDurationMs</c>, and <c>checks</c> by name, each with its
/// <c>status</c>, <c>description</c>, <c>durationMs</c> and numeric <c>data</c> (README "Health").
/// </summary>
public static class HealthJson
{
    // Apostrophes and the like as they are, for the person reading it: every string here is the
    // gateway's own text (no request's, no buyer's), and the answer is JSON under nosniff, never HTML.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpResponse response, GatewayHealth health, int statusCode)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        // A probe must see this node's answer now, never a cached one.
        response.Headers[HeaderNames.CacheControl] = "no-store, no-cache";
        await using var json = new Utf8JsonWriter(response.Body, Indented);
        Write(json, health);
        await json.FlushAsync(response.HttpContext.RequestAborted);
    }

    public static void Write(Utf8JsonWriter json, GatewayHealth health)
    {
        json.WriteStartObject();
        json.WriteString("status", health.Status.ToString());
        json.WriteString("readAt", health.ReadAt);
        json.WriteNumber("totalDurationMs", Milliseconds(health.Duration));
        json.WriteStartObject("checks");
        foreach (var check in health.Checks)
        {
            json.WriteStartObject(check.Name);
            json.WriteString("status", check.Status.ToString());
            json.WriteString("description", check.Description);
            json.WriteNumber("durationMs", Milliseconds(check.Duration));
            json.WriteStartObject("data");
            foreach (var (name, value) in check.Data)
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 2);
}
