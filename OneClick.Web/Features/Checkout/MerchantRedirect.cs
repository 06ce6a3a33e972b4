using OneClick.Core.Orders;
using OneClick.Core.Protocol;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.Checkout;

/// <summary>Where the buyer goes back to the merchant, with the signed fields (docs/protocol.md section 4, rule 11).</summary>
public static class MerchantRedirect
{
    /// <summary>backURL, else the shop's success URL, else its website, with the OK data.</summary>
    public static string ForApproval(Shop shop, Order order, Sale sale, string? oneClickToken = null)
    {
        var target = order.BackUrl ?? shop.SuccessUrl ?? shop.WebsiteUrl;
        return MerchantUrl.WithSignedFields(target, OkData.Fields(shop, order, sale, oneClickToken), shop.SigningKey);
    }

    /// <summary>declineURL, else the shop's decline URL; null when the merchant gave neither.</summary>
    public static string? ForDecline(Shop shop, Order order, Sale sale)
    {
        var target = order.DeclineUrl ?? shop.DeclineUrl;
        return target is null ? null : MerchantUrl.WithSignedFields(target, OkData.DeclineFields(shop, order, sale), shop.SigningKey);
    }
}
