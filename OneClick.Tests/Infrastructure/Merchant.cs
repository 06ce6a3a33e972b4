using OneClick.Core.Orders;
using OneClick.Core.Signatures;
using OneClick.Web.Features.SaleStatus;

namespace OneClick.Tests.Infrastructure;

/// <summary>Signs startorder requests the way a merchant's integration does.</summary>
public static class Merchant
{
    /// <param name="customerNumber">The merchant's id of the buyer (rule 5); signed with the rest.</param>
    public static Dictionary<string, string> Purchase(string amount = "9.99", string currency = "EUR", string description = "100 credits", int shopId = GatewayFactory.ShopId, string? customerNumber = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["version"] = "3.4",
            ["shopID"] = shopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = "purchase",
            ["priceAmount"] = amount,
            ["priceCurrency"] = currency,
            ["description"] = description,
        };
        if (customerNumber is not null)
        {
            parameters["customerNumber"] = customerNumber;
        }

        return parameters;
    }

    public static string StartOrderUrl(IDictionary<string, string> parameters, string key = GatewayFactory.SignatureKey)
    {
        var signed = Sign(parameters, key);
        return "/startorder?" + string.Join('&', signed.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    public static Dictionary<string, string> Sign(IDictionary<string, string> parameters, string key = GatewayFactory.SignatureKey)
    {
        var signed = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        signed.Remove("signature");
        signed["signature"] = Signature(signed, key);
        return signed;
    }

    /// <summary>
    /// A request's signature as section 2 has a merchant compute it: the fields with a value whose
    /// names are on the signed list of startorder or salestatus; any other field goes unsigned.
    /// </summary>
    public static string Signature(IEnumerable<KeyValuePair<string, string>> parameters, string key = GatewayFactory.SignatureKey, SignatureAlgorithm algorithm = SignatureAlgorithm.Sha256) =>
        FlexPaySignature.Compute(key, parameters.Where(p => p.Value.Length > 0 && (StartOrderParser.Names.IsSigned(p.Key) || SaleStatusParser.Names.IsSigned(p.Key))), algorithm);

    /// <summary>Reads a URL the gateway sent the buyer to and checks its signature as FlexPay's client libraries do: over every field.</summary>
    public static Dictionary<string, string> VerifiedQuery(string url, string key = GatewayFactory.SignatureKey)
    {
        var query = ParseQuery(new Uri(url).Query);
        new FlexPayClient("", GatewayFactory.ShopId, key).ValidateUrl(url)
            .ShouldBeTrue($"the signature of {url} should verify over every field");
        return query;
    }

    public static Dictionary<string, string> ParseQuery(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""), StringComparer.Ordinal);
}
