using OneClick.Core.Signatures;

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
        signed["signature"] = FlexPaySignature.Compute(key, signed);
        return signed;
    }

    /// <summary>Reads a URL the gateway sent the buyer to and checks its signature as a merchant would.</summary>
    public static Dictionary<string, string> VerifiedQuery(string url, string key = GatewayFactory.SignatureKey)
    {
        var query = ParseQuery(new Uri(url).Query);
        FlexPaySignature.Verify(query["signature"], [key], query, allowSha1: false)
            .ShouldBeTrue($"the signature of {url} should verify");
        return query;
    }

    public static Dictionary<string, string> ParseQuery(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""), StringComparer.Ordinal);
}
