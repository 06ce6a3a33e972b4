using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.BackOffice.Sales;

/// <summary>How a sale's facts read for merchant staff (decline reasons: <see cref="DeclineReasonText.ForStaff"/>).</summary>
public static class SaleWords
{
    /// <summary>Instant (a token, no input), CVC (a saved card and its CVC), or no (the card typed in full).</summary>
    public static string OneClick(bool oneClickPayment, bool instant) =>
        instant ? "instant" : oneClickPayment ? "CVC" : "no";

    /// <summary>Brand and the masked number (BIN and last four): never more of the card.</summary>
    public static string Card(CardBrand brand, string truncatedPan) => $"{brand.DisplayName()} {truncatedPan}";

    /// <summary>How the merchant started the order: the signed startorder redirect, or the JSON API's hosted page or pay-by-link.</summary>
    public static string Channel(OrderChannel channel) => channel switch
    {
        OrderChannel.HostedPage => "hosted page",
        OrderChannel.PayByLink => "pay-by-link",
        _ => "startorder",
    };

    public static string Money(decimal amount, string currency) =>
        $"{amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} {currency}";

    public static string Time(DateTime utc) => ListTime(utc) + " UTC";

    /// <summary>A time in a list whose caption says times are UTC.</summary>
    public static string ListTime(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
