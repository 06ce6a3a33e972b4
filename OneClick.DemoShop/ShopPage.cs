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
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
        .button { display: inline-block; padding: .375rem .75rem; border: 0; border-radius: .375rem; background: var(--accent); color: #fff; font: inherit; text-decoration: none; cursor: pointer; }
        .button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #86b7fe; outline-offset: 2px; }
        .wallet { margin: 1.5rem 0; padding: 1rem; background: #fff; border: 1px solid var(--line); border-radius: .5rem; }
        .wallet legend { padding: 0 .25rem; font-weight: 600; }
        .wallet .hint { margin: .25rem 0 .75rem 1.75rem; color: var(--muted); font-size: .875rem; }
        .wallet input[type=checkbox] { width: 1.125rem; height: 1.125rem; margin-right: .5rem; vertical-align: -.125rem; }
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
    /// with one click", which only a user with a token can use. <paramref name="sendsCustomerNumber"/>:
    /// the user's choice of wallet, which a form on the page changes.
    /// </summary>
    public static string Home(string shopUrl, string userId, int balance, IReadOnlyList<Purchase> purchases, bool hasOneClickToken, bool sendsCustomerNumber)
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

        html.Append("</ul>\n").Append(WalletChoice(userId, sendsCustomerNumber));

        // The user is a cookie; this link makes another browser the same user (to see which wallet
        // follows the user and which stays in the browser that holds the remembered card).
        var switchUrl = shopUrl + "/?user=" + Uri.EscapeDataString(userId);
        html.Append("<p>Same user in another browser: <a id=\"switch-user\" href=\"").Append(Encode(switchUrl)).Append("\">")
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

    /// <summary>
    /// Which wallet the gateway keeps the user's cards in: a checkbox and a button, no script
    /// (docs/protocol.md section 4 rules 4 and 5).
    /// </summary>
    public static string WalletChoice(string userId, bool sendsCustomerNumber)
    {
        var hint = sendsCustomerNumber
            ? $"Now on: the gateway keeps your saved cards for customer {Encode(userId)}, and offers them in any browser where you are this user, asking only for the CVC."
            : "Now off: the gateway keeps your saved cards in this browser only (its cookie); in another browser you enter your card again.";
        return new StringBuilder()
            .Append("<form class=\"wallet\" method=\"post\" action=\"/wallet\">\n<fieldset>\n<legend>One Click wallet</legend>\n")
            .Append("<div><input type=\"checkbox\" id=\"send-customer-number\" name=\"sendCustomerNumber\" value=\"on\" aria-describedby=\"send-customer-number-hint\"")
            .Append(sendsCustomerNumber ? " checked" : "").Append('>')
            .Append("<label for=\"send-customer-number\">Send my user id as customerNumber</label></div>\n")
            .Append("<p class=\"hint\" id=\"send-customer-number-hint\">").Append(hint).Append("</p>\n")
            .Append("<button class=\"button\" type=\"submit\">Save wallet choice</button>\n</fieldset>\n</form>\n")
            .ToString();
    }

    public static string Notice(string heading, string text, bool error = false, string? extra = null) =>
        $"<h1>{Encode(heading)}</h1>\n<div class=\"notice{(error ? " error" : "")}\"><p>{Encode(text)}</p>{extra}</div>\n<p><a href=\"/\">Back to the shop</a></p>";
}
