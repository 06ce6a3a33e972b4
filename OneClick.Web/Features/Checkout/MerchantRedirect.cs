using System.Text;
using OneClick.Core.Orders;
using OneClick.Core.Protocol;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.Checkout;

/// <summary>Where the buyer goes back to the merchant, with the signed fields (PROTOCOL.md section 4, rule 11).</summary>
public static class MerchantRedirect
{
    /// <summary>backURL, else the shop's success URL, else its website, with the OK data.</summary>
    public static string ForApproval(Shop shop, Order order, Sale sale)
    {
        var target = order.BackUrl ?? shop.SuccessUrl ?? shop.WebsiteUrl;
        return WithQuery(target, OkData.For(shop, order, sale));
    }

    /// <summary>declineURL, else the shop's decline URL; null when the merchant gave neither.</summary>
    public static string? ForDecline(Shop shop, Order order, Sale sale)
    {
        var target = order.DeclineUrl ?? shop.DeclineUrl;
        return target is null ? null : WithQuery(target, OkData.ForDecline(shop, order, sale));
    }

    public static string WithQuery(string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        var fragment = fragmentAt >= 0 ? url[fragmentAt..] : "";
        var head = fragmentAt >= 0 ? url[..fragmentAt] : url;
        var builder = new StringBuilder(head);
        var separator = head.Contains('?', StringComparison.Ordinal) ? (head.EndsWith('?') || head.EndsWith('&') ? "" : "&") : "?";
        foreach (var (name, value) in fields)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = "&";
        }

        return builder.Append(fragment).ToString();
    }
}
