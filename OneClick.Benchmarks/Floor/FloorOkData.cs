using System.Globalization;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Protocol;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// What the floor tells the merchant about a sale, with the gateway's own Core functions: the same
/// OK data fields as <see cref="OkData.Fields"/> gives for a card sale without custom fields, signed
/// by <see cref="MerchantUrl"/>, and the postback's <see cref="PostbackSignature"/> header. The
/// merchant and the buyers verify the floor exactly as they verify the gateway.
/// </summary>
internal sealed class FloorOkData(Uri merchant, string signatureKey, CardVault vault)
{
    private readonly string successUrl = BenchShop.SuccessUrl(merchant).ToString();
    private readonly string postbackUrl = BenchShop.PostbackUrl(merchant).ToString();

    /// <summary>The token a sale issued, derived from its seed as the gateway derives it.</summary>
    public string TokenOf(FloorSale sale) => vault.TokenFor(sale.NextTokenSeed);

    /// <summary>The approval page's redirect: the OK data with the next token, signed.</summary>
    public string SuccessUrl(FloorSale sale) => MerchantUrl.WithSignedFields(successUrl, Fields(sale, TokenOf(sale)), signatureKey);

    /// <summary>The outbox row's URL: the OK data without the token and unsigned, as the gateway's outbox keeps it.</summary>
    public string PostbackUrl(FloorSale sale) => MerchantUrl.WithFields(postbackUrl, Fields(sale, oneClickToken: null));

    /// <summary>The postback as sent: the token joins, the query is signed, and the header signs the query as sent.</summary>
    public (string Url, string SignatureHeader) SignedPostback(string storedUrl, string oneClickToken, DateTimeOffset now)
    {
        var url = MerchantUrl.SignQuery(MerchantUrl.WithField(storedUrl, "oneClickToken", oneClickToken), signatureKey);
        return (url, PostbackSignature.Header(signatureKey, MerchantUrl.QueryOf(url), now));
    }

    private static List<KeyValuePair<string, string>> Fields(FloorSale sale, string? oneClickToken)
    {
        var fields = new List<KeyValuePair<string, string>>(11)
        {
            new("shopID", sale.ShopId.ToString(CultureInfo.InvariantCulture)),
            new("saleID", sale.Id.ToString(CultureInfo.InvariantCulture)),
            new("transactionID", sale.TransactionId),
        };
        if (!string.IsNullOrEmpty(sale.ReferenceId))
        {
            fields.Add(new("referenceID", sale.ReferenceId));
        }

        fields.Add(new("priceAmount", sale.Amount));
        fields.Add(new("priceCurrency", sale.Currency));
        fields.Add(new("paymentMethod", nameof(PaymentMethod.CC)));
        fields.Add(new("type", "purchase"));
        fields.Add(new("CCBrand", sale.Brand));
        fields.Add(new("truncatedPAN", sale.TruncatedPan));
        if (oneClickToken is not null)
        {
            fields.Add(new("oneClickToken", oneClickToken));
        }

        return fields;
    }
}
