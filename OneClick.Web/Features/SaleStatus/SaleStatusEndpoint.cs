using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace OneClick.Web.Features.SaleStatus;

/// <summary><c>GET /salestatus</c> (docs/protocol.md section 6): a merchant's server asks how a sale ended.</summary>
public static class SaleStatusEndpoint
{
    public const string Route = "/salestatus";

    internal static async Task<IResult> HandleAsync(HttpContext context, [FromServices] SaleStatusLookup lookup, CancellationToken cancellationToken)
    {
        // The raw pairs, in order and with their exact case: Request.Query would merge 'saleID' and
        // 'SaleID' into one name, and strict checking needs to see both.
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var pair in new QueryStringEnumerable(context.Request.QueryString.Value))
        {
            parameters.Add(new(pair.DecodeName().ToString(), pair.DecodeValue().ToString()));
        }

        return await lookup.AnswerAsync(parameters, cancellationToken);
    }
}
