using System.Globalization;
using OneClick.Core.Cards;
using OneClick.Core.Notifications;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.Notifications;

/// <summary>The texts a buyer receives. The card appears only as brand and last four digits.</summary>
public static class BuyerEmails
{
    public static OutboxEmail Receipt(string to, Shop shop, Order order, Sale sale, DateTime now) => new(
        to,
        $"Your payment to {shop.Name}",
        $"""
        Thank you for your payment.

        Shop:        {shop.Name}
        For:         {order.Description}
        Amount:      {sale.Price}
        Card:        {sale.Brand.DisplayName()} •••• {sale.LastFour}
        Date (UTC):  {sale.CompletedAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}
        Reference:   {sale.Id}{(order.ReferenceId is null ? "" : $" / {order.ReferenceId}")}

        The charge appears on your statement as OneClick*{shop.Name}.
        """,
        now);

    public static OutboxEmail RefundNotice(string to, Shop shop, Order order, Sale sale, Refund refund, DateTime now) => new(
        to,
        $"Refund of your payment to {shop.Name}",
        $"""
        {refund.Price} of your payment to {shop.Name} has been refunded to your {sale.Brand.DisplayName()} card ending {sale.LastFour}.

        For:         {order.Description}
        Paid:        {sale.Price}
        Refunded:    {refund.Price}
        Reference:   {sale.Id}
        Why:         {refund.Reason}

        Depending on your bank, the money is back on your card within a few days.
        """,
        now);
}
