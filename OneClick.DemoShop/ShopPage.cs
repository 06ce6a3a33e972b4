using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace OneClick.DemoShop;

/// <summary>
/// The shop's HTML: plain server-rendered pages, every value encoded, no script, one stylesheet
/// from the shop itself (the policy allows nothing else).
/// </summary>
internal static class ShopPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    public const string Stylesheet = """
        :root { color-scheme: light; --accent: #0d6efd; --muted: #6c757d; --line: #dee2e6; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; background: #f8f9fa; }
        header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; background: #212529; color: #fff; }
        header a { color: #fff; font-weight: 600; text-decoration: none; }
        main { max-width: 52rem; margin: 2rem auto; padding: 0 1.5rem; }
        footer { max-width: 52rem; margin: 3rem auto 2rem; padding: 0 1.5rem; color: var(--muted); font-size: .875rem; }
        .balance { font-size: 1.25rem; }
        .packages { display: flex; gap: 1rem; flex-wrap: wrap; padding: 0; list-style: none; }
        .package { flex: 1 1 12rem; padding: 1rem; background: #fff; border: 1px solid var(--line); border-radius: .5rem; }
        .package .credits { display: block; font-size: 1.5rem; font-weight: 600; }
        .package .price { display: block; margin-bottom: .75rem; color: var(--muted); }
        .package .one-click { display: block; margin-top: .5rem; }
        .button { display: inline-block; padding: .375rem .75rem; border-radius: .375rem; background: var(--accent); color: #fff; text-decoration: none; }
        .button:focus-visible, a:focus-visible { outline: 3px solid #86b7fe; outline-offset: 2px; }
        table { width: 100%; border-collapse: collapse; background: #fff; }
        th, td { padding: .5rem; border-bottom: 1px solid var(--line); text-align: left; }
        .notice { padding: 1rem; border-radius: .5rem; background: #fff; border: 1px solid var(--line); }
        .error { border-color: #dc3545; }
        """;

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Credits(int credits) =>
        credits.ToString(CultureInfo.InvariantCulture) + (credits == 1 ? " credit" : " credits");

    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Status(PurchaseStatus status) => status switch
    {
        PurchaseStatus.Pending => "Waiting for payment",
        PurchaseStatus.Paid => "Paid",
        PurchaseStatus.Declined => "Declined",
        PurchaseStatus.Refunded => "Refunded",
        _ => status.ToString(),
    };

    /// <summary>A whole page; <paramref name="refreshSeconds"/> reloads it without script while the shop waits for the postback.</summary>
    public static IResult Render(string title, string? userId, string gatewayUrl, string body, int statusCode = StatusCodes.Status200OK, int? refreshSeconds = null)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (refreshSeconds is { } seconds)
        {
            html.Append("<meta http-equiv=\"refresh\" content=\"").Append(seconds.ToString(CultureInfo.InvariantCulture)).Append("\">\n");
        }

        html.Append("<title>").Append(Encode(title)).Append(" · Demo Credits Shop</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"/shop.css\">\n</head>\n<body>\n<header><a href=\"/\">Demo Credits Shop</a>");
        if (userId is not null)
        {
            html.Append("<span>Signed in as <strong id=\"user\">").Append(Encode(userId)).Append("</strong></span>");
        }

        html.Append("</header>\n<main>\n").Append(body).Append("\n</main>\n<footer>A demo merchant on its own origin: it sells credits through the OneClick gateway at ")
            .Append("<a href=\"").Append(Encode(gatewayUrl)).Append("\">").Append(Encode(gatewayUrl)).Append("</a>")
            .Append(" exactly as a real merchant would. Test card: 4242 4242 4242 4242, any future expiry, any CVC.</footer>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>
    /// The shop page; with <paramref name="hasOneClickToken"/>, each package also offers "buy again
    /// with one click", which only a user with a token can use.
    /// </summary>
    public static string Home(string shopUrl, string userId, int balance, IReadOnlyList<Purchase> purchases, bool hasOneClickToken)
    {
        var html = new StringBuilder()
            .Append("<h1>Demo Credits Shop</h1>\n")
            .Append("<p class=\"balance\">Balance: <strong id=\"balance\">").Append(Credits(balance)).Append("</strong></p>\n")
            .Append("<h2>Buy credits</h2>\n<ul class=\"packages\">\n");
        foreach (var package in CreditPackage.All)
        {
            html.Append("<li class=\"package\"><span class=\"credits\">").Append(Credits(package.Credits)).Append("</span>")
                .Append("<span class=\"price\">").Append(Encode(package.PriceAmount)).Append(' ').Append(Encode(package.PriceCurrency)).Append("</span>")
                .Append("<a class=\"button\" href=\"/buy/").Append(package.Credits.ToString(CultureInfo.InvariantCulture)).Append("\">Buy ")
                .Append(Credits(package.Credits)).Append("</a>");
            if (hasOneClickToken)
            {
                html.Append("<a class=\"button one-click\" href=\"/buy/").Append(package.Credits.ToString(CultureInfo.InvariantCulture)).Append("/one-click\">Buy ")
                    .Append(Credits(package.Credits)).Append(" again with one click</a>");
            }

            html.Append("</li>\n");
        }

        // The user is a cookie; this link makes another browser the same user (to see that One
        // Click needs the browser that holds the remembered card).
        var switchUrl = shopUrl + "/?user=" + Uri.EscapeDataString(userId);
        html.Append("</ul>\n<p>Same user in another browser: <a id=\"switch-user\" href=\"").Append(Encode(switchUrl)).Append("\">")
            .Append(Encode(switchUrl)).Append("</a></p>\n<h2>Your purchases</h2>\n");
        if (purchases.Count == 0)
        {
            return html.Append("<p>No purchases yet.</p>").ToString();
        }

        html.Append("<table>\n<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Credits</th><th scope=\"col\">Amount</th>")
            .Append("<th scope=\"col\">Sale ID</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
        foreach (var purchase in purchases)
        {
            html.Append("<tr><td>").Append(Time(purchase.CreatedAt)).Append("</td><td>").Append(Credits(purchase.Credits))
                .Append("</td><td>").Append(Encode(purchase.PriceAmount)).Append(' ').Append(Encode(purchase.PriceCurrency))
                .Append("</td><td>").Append(Encode(purchase.SaleId ?? "–"))
                .Append("</td><td>").Append(Status(purchase.Status)).Append("</td></tr>\n");
        }

        return html.Append("</tbody>\n</table>").ToString();
    }

    public static string Notice(string heading, string text, bool error = false, string? extra = null) =>
        $"<h1>{Encode(heading)}</h1>\n<div class=\"notice{(error ? " error" : "")}\"><p>{Encode(text)}</p>{extra}</div>\n<p><a href=\"/\">Back to the shop</a></p>";
}
