using System.Globalization;
using System.Text;
using OneClick.Core.Sales;
using OneClick.Web.Features.BackOffice.Sales.Queries;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Sales;

/// <summary>
/// The sales export: <c>GET /account/sales.csv?from=&amp;to=&amp;shop=</c> (and the list's other filters),
/// scoped like the list. RFC 4180 (comma, CRLF, quotes doubled), UTF-8, amounts in the invariant
/// culture, and every cell a spreadsheet would run as a formula made text.
/// </summary>
public static class SalesCsv
{
    public const string Path = "/account/sales.csv";

    public static readonly IReadOnlyList<string> Header =
    [
        "saleID", "date", "shopID", "shop", "referenceID", "customerNumber", "amount", "currency", "refundedAmount",
        "cardBrand", "truncatedPAN", "oneClick", "result", "declineReason",
    ];

    public static IEndpointRouteBuilder MapBackOfficeSales(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization(StaffPolicies.SignedIn);
        return endpoints;
    }

    /// <summary>One line, without its line break.</summary>
    public static string Line(IEnumerable<string?> cells) => string.Join(',', cells.Select(Cell));

    /// <summary>
    /// A cell as written: text that a spreadsheet would take for a formula (= + - @, or a tab or
    /// carriage return before one) gets a leading apostrophe, so that a referenceID or customer number
    /// chosen by a buyer or merchant cannot run in the reader's spreadsheet; then RFC 4180 quoting.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static IEnumerable<string?> Cells(SaleRow row) =>
    [
        row.Id.ToString(CultureInfo.InvariantCulture),
        row.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        row.ShopId.ToString(CultureInfo.InvariantCulture),
        row.ShopName,
        row.ReferenceId,
        row.CustomerNumber,
        row.Amount.ToString("0.00", CultureInfo.InvariantCulture),
        row.Currency,
        row.RefundedAmount.ToString("0.00", CultureInfo.InvariantCulture),
        row.Brand.ToString(),
        row.TruncatedPan,
        SaleWords.OneClick(row.OneClickPayment, row.InstantOneClick),
        row.Result.ToString(),
        row.DeclineReason?.ForStaff(),
    ];

    private static async Task<IResult> ExportAsync(HttpContext context, SalesExportQuery sales, CurrentStaff staff, TimeProvider clock, CancellationToken cancellationToken)
    {
        var filter = SalesFilter.Parse(name => context.Request.Query[name].FirstOrDefault(), await staff.ShopIdsAsync());
        if (filter.Errors.Count > 0)
        {
            // An export that quietly left a filter out would be wrong in a way nobody sees: say so instead.
            var errors = string.Join("\n", filter.Errors.Select(e => $"{e.Key}: {e.Value}"));
            return TypedResults.Text($"The export was not made; correct these and try again:\n{errors}\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        var name = $"sales-{filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "start"}-to-{filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(async body =>
        {
            // The byte-order mark makes spreadsheet programs read the file as UTF-8.
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
            await writer.WriteAsync(Line(Header) + "\r\n");
            await foreach (var row in sales.RunAsync(filter, cancellationToken))
            {
                await writer.WriteAsync(Line(Cells(row)) + "\r\n");
            }

            await writer.FlushAsync(cancellationToken);
        }, "text/csv; charset=utf-8", name);
    }
}
