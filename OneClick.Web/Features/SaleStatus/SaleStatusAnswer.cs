using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.SaleStatus;

/// <summary>
/// What the status page answers (docs/protocol.md section 6): <c>name: value</c> lines, or a JSON object
/// with the same names and string values when the merchant asks for JSON. Fields without a value
/// are left out, the rest keep the protocol's order.
/// </summary>
public sealed class SaleStatusAnswer : IResult
{
    public const string TextContentType = "text/plain; charset=utf-8";
    public const string JsonContentType = "application/json; charset=utf-8";

    private SaleStatusAnswer(int statusCode, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        StatusCode = statusCode;
        Fields = fields;
    }

    public static SaleStatusAnswer NotFound { get; } = new(StatusCodes.Status200OK, [new("response", "NOT_FOUND")]);

    /// <summary>403 that says nothing but the mismatch: which part was wrong would help a forger.</summary>
    public static SaleStatusAnswer BadSignature { get; } = Error(StatusCodes.Status403Forbidden, "signature does not match");

    public int StatusCode { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public static SaleStatusAnswer Error(int statusCode, string error) =>
        new(statusCode, [new("response", "ERROR"), new("error", error)]);

    /// <summary>429 over a rate limit, with the seconds to wait in <c>Retry-After</c>.</summary>
    public static SaleStatusAnswer TooManyRequests(RateLimitRefusal refusal) =>
        new(StatusCodes.Status429TooManyRequests, [new("response", "ERROR"), new("error", refusal.Message)]) { RetryAfterSeconds = refusal.RetryAfterSeconds };

    public int? RetryAfterSeconds { get; private init; }

    public static SaleStatusAnswer Found(Order order, Sale sale, string? oneClickToken)
    {
        var fields = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.Add(new(name, value));
            }
        }

        Add("response", "FOUND");
        Add("saleID", sale.Id.ToString(CultureInfo.InvariantCulture));
        Add("referenceID", order.ReferenceId);
        Add("saleResult", ResultName(sale.Result));
        Add("createdOn", sale.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add("amount", sale.Price.AmountText);
        Add("currency", sale.Currency);
        Add("paymentMethod", sale.PaymentMethod.ToString());
        // The same brand and masked number as the sale's OK data: never more of the card.
        Add("CCBrand", sale.Brand.ProtocolName());
        Add("truncatedPAN", sale.TruncatedPan);
        Add("email", order.Email);
        Add("customerNumber", order.CustomerNumber);
        Add("oneClickToken", oneClickToken);
        return new(StatusCodes.Status200OK, fields);
    }

    public static string ResultName(SaleResult result) => result switch
    {
        SaleResult.Approved => "APPROVED",
        SaleResult.Refunded => "REFUNDED",
        SaleResult.Pending => "PENDING",
        SaleResult.Declined => "DECLINED",
        // The acquirer did not answer and nothing was charged: to the merchant, a sale that did not go through.
        SaleResult.Error => "DECLINED",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "A sale result the status page does not know."),
    };

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Fields)
        {
            // Values are validated where they come in; this keeps one field to one line whatever slipped through.
            text.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ")).Append('\n');
        }

        return text.ToString();
    }

    public string ToJson() =>
        new JsonObject(Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value)))).ToJsonString();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var json = WantsJson(httpContext.Request);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.Headers.Vary = "Accept";
        if (RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentType = json ? JsonContentType : TextContentType;
        return response.WriteAsync(json ? ToJson() : ToText(), Encoding.UTF8, httpContext.RequestAborted);
    }

    /// <summary>JSON when the merchant prefers application/json to text/plain; text is the FlexPay default.</summary>
    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        double Quality(string mediaType) => accept
            .Where(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1.0)
            .DefaultIfEmpty(0.0)
            .Max();

        var json = Quality("application/json");
        return json > 0 && json > Quality("text/plain");
    }
}
