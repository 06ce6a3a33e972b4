using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;

namespace OneClick.Core.Protocol;

/// <summary>The signed fields that describe an approved sale (docs/protocol.md section 5).</summary>
public static class OkData
{
    /// <summary>The OK data with its signature, for a URL that carries no query of its own (the tests' view of it).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> For(Shop shop, Order order, Sale sale, string? oneClickToken = null) =>
        Signed(shop, Fields(shop, order, sale, oneClickToken));

    /// <summary>The OK data fields, unsigned: <see cref="MerchantUrl"/> signs them with the URL's own query.</summary>
    public static List<KeyValuePair<string, string>> Fields(Shop shop, Order order, Sale sale, string? oneClickToken = null)
    {
        if (sale.Result != SaleResult.Approved)
        {
            throw new InvalidOperationException("OK data describes approved sales only.");
        }

        return FieldsOf(shop, order, sale, oneClickToken);
    }

    private static List<KeyValuePair<string, string>> FieldsOf(Shop shop, Order order, Sale sale, string? oneClickToken)
    {
        var fields = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.Add(new(name, value));
            }
        }

        Add("shopID", shop.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("saleID", sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("transactionID", sale.TransactionId);
        Add("referenceID", order.ReferenceId);
        Add("priceAmount", sale.Price.AmountText);
        Add("priceCurrency", sale.Currency);
        Add("paymentMethod", sale.PaymentMethod.ToString());
        Add("type", "purchase");
        Add("custom1", order.Custom1);
        Add("custom2", order.Custom2);
        Add("custom3", order.Custom3);
        Add("customerNumber", order.CustomerNumber);
        Add("CCBrand", sale.Brand.ProtocolName());
        Add("truncatedPAN", sale.TruncatedPan);
        Add("oneClickToken", oneClickToken);
        // API orders (docs/protocol.md section 7): the contract and the token the API answer gave the merchant.
        Add("contractId", order.ReportedContractId);
        Add("securityToken", order.SecurityToken);
        return fields;
    }

    /// <summary>A refund reported to the merchant: the OK data with <c>event=credit</c> and the refunded amount.</summary>
    public static List<KeyValuePair<string, string>> CreditFields(Shop shop, Order order, Sale sale, decimal refundedAmount)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var field in FieldsOf(shop, order, sale, null))
        {
            fields.Add(field.Key == "priceAmount"
                ? new(field.Key, refundedAmount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))
                : field);
        }

        fields.Add(new("event", "credit"));
        return fields;
    }

    /// <summary>What a decline URL receives (docs/protocol.md section 4, rule 11), for a URL without a query of its own.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> ForDecline(Shop shop, Order order, Sale sale) =>
        Signed(shop, DeclineFields(shop, order, sale));

    public static List<KeyValuePair<string, string>> DeclineFields(Shop shop, Order order, Sale sale)
    {
        if (sale.Result != SaleResult.Declined)
        {
            throw new InvalidOperationException("Decline fields describe declined sales only.");
        }

        var fields = new List<KeyValuePair<string, string>>
        {
            new("shopID", shop.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrEmpty(order.ReferenceId))
        {
            fields.Add(new("referenceID", order.ReferenceId));
        }

        fields.Add(new("saleID", sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fields.Add(new("saleResult", "DECLINED"));
        if (order.SecurityToken is { } securityToken)
        {
            fields.Add(new("securityToken", securityToken));
        }

        return fields;
    }

    /// <summary>What an API order's cancel URL receives when the buyer cancels: no sale was made.</summary>
    public static List<KeyValuePair<string, string>> CancelFields(Shop shop, Order order)
    {
        ArgumentNullException.ThrowIfNull(shop);
        ArgumentNullException.ThrowIfNull(order);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("shopID", shop.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrEmpty(order.ReferenceId))
        {
            fields.Add(new("referenceID", order.ReferenceId));
        }

        fields.Add(new("saleResult", "CANCELLED"));
        if (order.SecurityToken is { } securityToken)
        {
            fields.Add(new("securityToken", securityToken));
        }

        return fields;
    }

    private static List<KeyValuePair<string, string>> Signed(Shop shop, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("signature", FlexPaySignature.SignMessage(shop.SigningKey, fields)));
        return fields;
    }
}
