using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Protocol;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.Postbacks;

/// <summary>Writes postbacks into the outbox, next to what they report and in the same transaction.</summary>
public static class PostbackOutbox
{
    public static PostbackDelivery? ForSale(Shop shop, Order order, Sale sale, DateTime now) =>
        shop.PostbackUrl is null
            ? null
            : new PostbackDelivery(shop.Id, sale.Id, PostbackKind.Sale,
                MerchantUrl.WithSignedFields(shop.PostbackUrl, OkData.Fields(shop, order, sale), shop.SigningKey), now);

    public static PostbackDelivery? ForCredit(Shop shop, Order order, Sale sale, decimal refundedAmount, DateTime now) =>
        shop.PostbackUrl is null
            ? null
            : new PostbackDelivery(shop.Id, sale.Id, PostbackKind.Credit,
                MerchantUrl.WithSignedFields(shop.PostbackUrl, OkData.CreditFields(shop, order, sale, refundedAmount), shop.SigningKey), now);
}
