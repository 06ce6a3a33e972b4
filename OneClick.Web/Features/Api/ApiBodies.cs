using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using OneClick.Core.Orders;

namespace OneClick.Web.Features.Api;

/// <summary>The body of <c>POST /api/v1/orders/hpp</c> and <c>/paybylink</c> (docs/protocol.md section 7).</summary>
public sealed record OrderBody(OrderPart? Order, PaymentSessionPart? PaymentSession, string? ExpiresAt = null)
{
    public ApiOrderFields ToFields() => new(
        Order?.OrderId, Order?.Amount, Order?.Currency, Order?.CustomerId, Order?.Description,
        PaymentSession?.ResultUrl, PaymentSession?.CancelUrl, PaymentSession?.NotificationUrl,
        PaymentSession?.Recurrence?.Action, PaymentSession?.Recurrence?.ContractId, PaymentSession?.Recurrence?.ContractType,
        ExpiresAt, PaymentSession?.Language);
}

/// <param name="Amount">In minor units (cents): 999 is 9.99. A JSON number or a string of digits.</param>
public sealed record OrderPart(string? OrderId, long? Amount, string? Currency, string? CustomerId, string? Description);

/// <param name="Language">The buyer's language for the payment page and e-mails (docs/protocol.md section 7); another value falls back to the browser's language.</param>
public sealed record PaymentSessionPart(string? ResultUrl, string? CancelUrl, string? NotificationUrl, RecurrencePart? Recurrence, string? Language = null);

/// <param name="Action">NO_RECURRING (the default), CONTRACT_CREATION or SUBSEQUENT_PAYMENT.</param>
/// <param name="ContractType">CIT, the only type.</param>
public sealed record RecurrencePart(string? Action, string? ContractId, string? ContractType);

/// <summary>
/// <see cref="OrderBody"/> as <c>POST /api/v1/orders/hpp</c> takes it (no expiresAt); only the OpenAPI
/// document uses this type, and a test holds it to <see cref="OrderBody"/>.
/// </summary>
public sealed record HostedPageOrderBody(OrderPart Order, PaymentSessionPart PaymentSession);

/// <summary><see cref="OrderBody"/> as <c>POST /api/v1/orders/paybylink</c> takes it; for the OpenAPI document only.</summary>
public sealed record PayByLinkOrderBody(OrderPart Order, PaymentSessionPart PaymentSession, DateTimeOffset ExpiresAt);

/// <summary>The answer to <c>POST /api/v1/orders/hpp</c>: where to send the buyer.</summary>
public sealed record HostedPageCreated(string HostedPage, string SecurityToken);

/// <summary>The answer to <c>POST /api/v1/orders/paybylink</c>: the link to send to the buyer.</summary>
public sealed record PaymentLinkCreated(string PaymentLink, string SecurityToken);

/// <summary>Reads a JSON body strictly: an unknown field or a wrong type is an error that names the field.</summary>
public static partial class ApiBody
{
    public const int MaxBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A key given twice (names match without regard to case) would count once, the last one: which
        // one the merchant meant is a guess, and a proxy that reads the first would see another order.
        AllowDuplicateProperties = false,
    };

    public static (T? Body, ApiAnswer? Problem) Read<T>(byte[] bytes)
        where T : class
    {
        if (bytes.Length == 0)
        {
            return (null, ApiAnswer.Problem(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON", "The request has no body: send a JSON object."));
        }

        try
        {
            var body = JsonSerializer.Deserialize<T>(bytes, Strict);
            return body is null
                ? (null, ApiAnswer.Problem(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON", "The body is null: send a JSON object."))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Explain(ex));
        }
    }

    private static ApiAnswer Explain(JsonException ex)
    {
        var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
        var unmapped = UnmappedName().Match(ex.Message);
        if (unmapped.Success)
        {
            // The path already ends with the unknown name ($.order.amout); add it only where it does not.
            var unknown = unmapped.Groups["name"].Value;
            var name = path == unknown || path.EndsWith("." + unknown, StringComparison.Ordinal) ? path : path.Length == 0 ? unknown : path + "." + unknown;
            return ApiAnswer.Invalid([new ParameterError(ApiAnswer.Echo(name, 80), "is not a field of this request: check its spelling against the API reference (/openapi/v1.json).")]);
        }

        if (ex.Message.StartsWith("Duplicate property ", StringComparison.Ordinal))
        {
            return ApiAnswer.Invalid([new ParameterError(ApiAnswer.Echo(path, 80), "is given more than once: send each field once (field names match without regard to case).")]);
        }

        // A syntax error (the reader's own exception, inside) is malformed JSON wherever it is, not a field of the wrong type.
        if (path.Length == 0 || ex.LineNumber is null || ex.InnerException is JsonException)
        {
            return ApiAnswer.Problem(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON",
                "The body is not a well-formed JSON object" + (ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})." : "."));
        }

        var rule = path switch
        {
            "order.amount" => "must be a whole number of minor units, e.g. 999 for 9.99.",
            "expiresAt" => "must be an ISO 8601 date and time with its offset, e.g. 2026-12-01T18:00:00Z.",
            "order" or "paymentSession" or "paymentSession.recurrence" => "must be a JSON object.",
            _ => "must be a JSON string.",
        };
        return ApiAnswer.Invalid([new ParameterError(ApiAnswer.Echo(path, 80), rule)]);
    }


    [GeneratedRegex("The JSON property '(?<name>[^']{1,200})' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedName();
}
