using System.Globalization;
using Microsoft.Extensions.Localization;
using OneClick.Core.Cards;
using OneClick.Core.Notifications;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Web.Features.Checkout.Localization;

namespace OneClick.Web.Features.Notifications;

/// <summary>
/// The texts a buyer receives, in the order's language (English for an order that has none), whoever
/// sends them: the payment, a job, a refund from the Personal Account. The card appears only as brand
/// and last four digits.
/// </summary>
public sealed class BuyerEmails(IStringLocalizer<BuyerText> t)
{
    /// <summary>The labels line up under the longest, as in the English original.</summary>
    private const int MinimumLabelWidth = 13;

    public OutboxEmail Receipt(string to, Shop shop, Order order, Sale sale, DateTime now)
    {
        using var language = InLanguageOf(order);
        return new(
            to,
            t["Your payment to {0}", shop.Name],
            $"""
            {t["Thank you for your payment."]}

            {Rows(
                (t["Shop"], shop.Name),
                (t["For"], order.Description),
                (t["Amount"], BuyerFormat.Amount(sale.Price)),
                (t["Card"], $"{sale.Brand.DisplayName()} •••• {sale.LastFour}"),
                (t["Date (UTC)"], sale.CompletedAt is { } at ? BuyerFormat.DateAndTime(at) : ""),
                (t["Reference"], $"{sale.Id}{(order.ReferenceId is null ? "" : $" / {order.ReferenceId}")}"))}

            {t["The charge appears on your statement as {0}.", $"OneClick*{shop.Name}"]}
            """,
            now);
    }

    public OutboxEmail RefundNotice(string to, Shop shop, Order order, Sale sale, Refund refund, DateTime now)
    {
        using var language = InLanguageOf(order);
        return new(
            to,
            t["Refund of your payment to {0}", shop.Name],
            $"""
            {t["{0} of your payment to {1} has been refunded to your {2} card ending {3}.", BuyerFormat.Amount(refund.Price), shop.Name, sale.Brand.DisplayName(), sale.LastFour]}

            {Rows(
                (t["For"], order.Description),
                (t["Paid"], BuyerFormat.Amount(sale.Price)),
                (t["Refunded"], BuyerFormat.Amount(refund.Price)),
                (t["Reference"], sale.Id.ToString(CultureInfo.InvariantCulture)),
                (t["Why"], refund.Reason))}

            {t["Depending on your bank, the money is back on your card within a few days."]}
            """,
            now);
    }

    private static string Rows(params (LocalizedString Label, string Value)[] rows)
    {
        var width = Math.Max(MinimumLabelWidth, rows.Max(row => row.Label.Value.Length) + 3);
        return string.Join("\n", rows.Select(row => (row.Label.Value + ":").PadRight(width) + row.Value));
    }

    /// <summary>The order's language for the texts and numbers built until disposed; the thread's own after.</summary>
    private static LanguageScope InLanguageOf(Order order) => new(BuyerLanguage.Parse(order.Language) ?? BuyerLanguage.English);

    private readonly struct LanguageScope : IDisposable
    {
        private readonly CultureInfo culture;
        private readonly CultureInfo uiCulture;

        public LanguageScope(string language)
        {
            (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        }

        public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
    }
}
