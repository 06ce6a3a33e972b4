using OneClick.Core.Orders;
using OneClick.Core.Protocol;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Core.Postbacks;

/// <summary>
/// Writes postbacks into the outbox, next to what they report and in the same transaction. The row
/// holds the URL with the fields, unsigned: the sender adds the sale's oneClickToken and signs it all.
/// </summary>
public static class PostbackOutbox
{
    /// <summary>To the API order's own notificationUrl when it gave one, else to the shop's postback URL.</summary>
    /// <param name="claimFor">The lease of the node that sends it as soon as it is committed (decision 029); none when no node will.</param>
    public static PostbackDelivery? ForSale(Shop shop, Order order, Sale sale, DateTime now, TimeSpan? claimFor = null) =>
        (order.NotificationUrl ?? shop.PostbackUrl) is not { } url
            ? null
            : new PostbackDelivery(shop.Id, sale.Id, PostbackKind.Sale,
                MerchantUrl.WithFields(url, OkData.Fields(shop, order, sale)), now, claimFor);

    public static PostbackDelivery? ForCredit(Shop shop, Order order, Sale sale, decimal refundedAmount, DateTime now) =>
        (order.NotificationUrl ?? shop.PostbackUrl) is not { } url
            ? null
            : new PostbackDelivery(shop.Id, sale.Id, PostbackKind.Credit,
                MerchantUrl.WithFields(url, OkData.CreditFields(shop, order, sale, refundedAmount)), now);
}
