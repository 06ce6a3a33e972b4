using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace OneClick.DemoShop;

/// <summary>
/// The shop's pages and its postback endpoint: what a merchant builds to sell through OneClick
/// (docs/protocol.md sections 2, 3, 4 rules 2-4 and 11, 5 and 6), One Click included: it keeps each
/// user's newest oneClickToken and sends it with "buy again with one click".
/// </summary>
internal sealed partial class ShopEndpoints(DemoShopSettings settings, string shopUrl, PurchaseStore store, SaleStatusClient status, ILogger logger)
{
    private const string UserCookie = "OneClickDemoShop.User";

    // The return page reloads itself while the postback is on its way; past this it stops and says so.
    private static readonly TimeSpan ReturnWait = TimeSpan.FromMinutes(2);

    private readonly string gatewayUrl = settings.GatewayUrl.TrimEnd('/');

    private readonly string shopId = settings.ShopId.ToString(CultureInfo.InvariantCulture);

    public void Map(IEndpointRouteBuilder app)
    {
        // Cast to Delegate: as a RequestDelegate, the IResult they return would be dropped.
        app.MapGet("/", (Delegate)HomeAsync);
        app.MapGet("/buy/{credits:int}", (Delegate)BuyAsync);
        app.MapGet("/buy/{credits:int}/one-click", (Delegate)BuyWithOneClickAsync);
        app.MapPost("/wallet", (Delegate)ChooseWalletAsync);
        app.MapGet("/return", (Delegate)ReturnAsync);
        app.MapGet("/declined", (Delegate)DeclinedAsync);
        app.MapGet("/postback", (Delegate)PostbackAsync);
        app.MapGet("/health", () => Results.Text("Healthy", "text/plain"));
        app.MapGet("/shop.css", () => Results.Text(ShopPage.Stylesheet, "text/css; charset=utf-8"));
        // The shop has no icon; answered so that a browser's own request for one is no 404 in its console.
        app.MapGet("/favicon.ico", () => Results.NoContent());
    }

    private async Task<IResult> HomeAsync(HttpContext http)
    {
        if (http.Request.Query.ContainsKey("user"))
        {
            return SwitchUser(http);
        }

        var user = CurrentUser(http, create: true)!;
        var balance = await store.BalanceOfAsync(user, http.RequestAborted);
        var purchases = await store.PurchasesOfAsync(user, http.RequestAborted);
        var hasToken = await store.OneClickTokenOfAsync(user, http.RequestAborted) is not null;
        var sendsCustomerNumber = await store.SendsCustomerNumberAsync(user, http.RequestAborted);
        return ShopPage.Render("Shop", user, gatewayUrl, ShopPage.Home(shopUrl, user, balance, purchases, hasToken, sendsCustomerNumber));
    }

    /// <summary>
    /// The "Send my user id as customerNumber" choice of the shop page, kept per user: on (the
    /// default), the gateway keeps the user's saved cards in their customer wallet, offered in any
    /// browser with only the CVC (docs/protocol.md section 4 rule 5); off, in the buyer's browser only.
    /// Only the user's own browser can change it: a form posted from another site comes without
    /// the user cookie (SameSite=Lax), and says where it comes from.
    /// </summary>
    private async Task<IResult> ChooseWalletAsync(HttpContext http)
    {
        var user = CurrentUser(http, create: false);
        if (user is null || !FromThisShop(http.Request) || !http.Request.HasFormContentType)
        {
            return ShopPage.Render("Not saved", user, gatewayUrl,
                ShopPage.Notice("Not saved", "Change this setting on the shop page in your own browser.", error: true), StatusCodes.Status403Forbidden);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var send = form["sendCustomerNumber"] == "on";
        await store.SetSendsCustomerNumberAsync(user, send, http.RequestAborted);
        logger.LogInformation("Demo shop: {UserId} {Choice} their user id as customerNumber.", user, send ? "sends" : "does not send");
        // 303: the browser shows the shop page with GET, and a reload does not post again.
        http.Response.Headers.Location = "/";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>
    /// <c>/?user=user-…</c> makes this browser that user: a demo has no log-in, and this is how the
    /// same user shops from a second browser (where the gateway has no remembered-card cookie).
    /// </summary>
    private IResult SwitchUser(HttpContext http)
    {
        var wanted = http.Request.Query["user"];
        if (wanted.Count != 1 || wanted[0] is not { } user || !UserIdPattern().IsMatch(user))
        {
            return ShopPage.Render("No such user", CurrentUser(http, create: false), gatewayUrl,
                ShopPage.Notice("No such user", "A user id looks like user-1a2b3c4d.", error: true), StatusCodes.Status400BadRequest);
        }

        SetUserCookie(http, user);
        return Results.Redirect("/");
    }

    /// <summary>A pending purchase in our store, then the buyer goes to the gateway with a signed startorder link.</summary>
    private Task<IResult> BuyAsync(HttpContext http, int credits) => StartOrderAsync(http, credits, oneClick: false);

    /// <summary>
    /// As <see cref="BuyAsync"/>, with the user's oneClickToken: the gateway charges the remembered
    /// card at once. The token is single-use, so the shop forgets it here; without one (another tab
    /// used it) this is a plain purchase and the gateway shows its order page.
    /// </summary>
    private Task<IResult> BuyWithOneClickAsync(HttpContext http, int credits) => StartOrderAsync(http, credits, oneClick: true);

    private async Task<IResult> StartOrderAsync(HttpContext http, int credits, bool oneClick)
    {
        if (CreditPackage.WithCredits(credits) is not { } package)
        {
            return ShopPage.Render("Not found", CurrentUser(http, create: false), gatewayUrl, ShopPage.Notice("No such package", "Pick one of the packages on the shop page.", error: true), StatusCodes.Status404NotFound);
        }

        var user = CurrentUser(http, create: true)!;
        var now = settings.Clock.GetUtcNow();
        var token = oneClick ? await store.TakeOneClickTokenAsync(user, now, http.RequestAborted) : null;
        var purchase = await store.CreateAsync(user, package, now, http.RequestAborted);
        var sendsCustomerNumber = await store.SendsCustomerNumberAsync(user, http.RequestAborted);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("version", "3.4"),
            new("shopID", shopId),
            new("type", "purchase"),
            new("priceAmount", package.PriceAmount),
            new("priceCurrency", package.PriceCurrency),
            new("description", package.Description),
            new("referenceID", purchase.Id),
            new("custom1", user),
            new("backURL", shopUrl + "/return"),
            new("declineURL", shopUrl + "/declined"),
        };
        if (sendsCustomerNumber && CustomerNumberPattern().IsMatch(user))
        {
            // Signed: the user id names the customer whose wallet the gateway offers (section 4 rule 5).
            // Our ids (user-1a2b3c4d) already are 1-32 characters of A-Z a-z 0-9 . _ -; the check says so.
            fields.Add(new("customerNumber", user));
        }

        fields.Add(new("signature", GatewaySignatures.Sign(settings.SignatureKey, fields)));
        if (token is not null)
        {
            // Not signed (docs/protocol.md section 2): a bearer token the gateway checks itself. (The gateway's
            // answers sign it: a merchant checks every field it receives.)
            fields.Add(new("oneClickToken", token));
        }

        logger.LogInformation("Demo shop: purchase {PurchaseId} of {Credits} credits for {UserId} goes to the gateway{OneClick}{Wallet}.",
            purchase.Id, package.Credits, user, token is null ? "" : " with one click", sendsCustomerNumber ? " as customerNumber" : "");
        return Results.Redirect(gatewayUrl + "/startorder?" + string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))));
    }

    /// <summary>The buyer is back with the OK data. Only the postback credits; this page shows whether it has.</summary>
    private async Task<IResult> ReturnAsync(HttpContext http)
    {
        var user = CurrentUser(http, create: false);
        var query = GatewaySignatures.SingleValued(http.Request.Query);
        if (query is null || !GatewaySignatures.VerifyQuery(settings.SignatureKey, query) || Field(query, "shopID") != shopId)
        {
            logger.LogWarning("Demo shop: a return with a signature that does not match was refused.");
            return ShopPage.Render("Signature does not match", user, gatewayUrl,
                ShopPage.Notice("Signature does not match", "This payment answer is not signed with our key, so nothing was credited.", error: true),
                StatusCodes.Status403Forbidden);
        }

        if (await store.FindAsync(Field(query, "referenceID") ?? "", http.RequestAborted) is not { } purchase)
        {
            return ShopPage.Render("Unknown purchase", user, gatewayUrl,
                ShopPage.Notice("Unknown purchase", "This payment was not started in this shop, so there is nothing to credit here.", error: true), StatusCodes.Status404NotFound);
        }

        // The OK data's token, so that "buy again" works even while the postback is on its way. It
        // is not signed, so it goes only to the purchase's own user, and the postback's wins.
        if (Field(query, "oneClickToken") is { } token && Field(query, "custom1") == purchase.UserId && SaleIdOf(query) is { } saleId)
        {
            var kept = await store.StoreOneClickTokenAsync(purchase.UserId, saleId, token, authenticated: false, settings.Clock.GetUtcNow(), http.RequestAborted);
            logger.LogInformation("Demo shop: oneClickToken of sale {SaleId} from the return: {Outcome}.", saleId, kept);
        }

        switch (purchase.Status)
        {
            case PurchaseStatus.Paid:
                var balance = await store.BalanceOfAsync(purchase.UserId, http.RequestAborted);
                return ShopPage.Render("Payment received", user, gatewayUrl, ShopPage.Notice("Payment received",
                    $"Your {ShopPage.Credits(purchase.Credits)} have arrived.",
                    extra: $"<p class=\"balance\">Balance: <strong id=\"balance\">{ShopPage.Credits(balance)}</strong></p>"));
            case PurchaseStatus.Refunded:
                return ShopPage.Render("Purchase refunded", user, gatewayUrl, ShopPage.Notice("Purchase refunded", "This purchase was refunded, and its credits were taken back."));
        }

        var now = settings.Clock.GetUtcNow();
        var returnedAt = await store.MarkReturnedAsync(purchase.Id, now, http.RequestAborted);
        if (now - returnedAt > ReturnWait)
        {
            return ShopPage.Render("Payment received", user, gatewayUrl, ShopPage.Notice("Payment received",
                "The gateway has not confirmed the payment to us yet. Your credits appear on the shop page as soon as it does."));
        }

        return ShopPage.Render("Payment received", user, gatewayUrl, ShopPage.Notice("Payment received",
            "Payment received, your credits arrive in a moment. This page refreshes by itself."), refreshSeconds: 2);
    }

    private async Task<IResult> DeclinedAsync(HttpContext http)
    {
        var user = CurrentUser(http, create: false);
        var query = GatewaySignatures.SingleValued(http.Request.Query);
        if (query is null || !GatewaySignatures.VerifyQuery(settings.SignatureKey, query) || Field(query, "shopID") != shopId)
        {
            logger.LogWarning("Demo shop: a decline with a signature that does not match was refused.");
            return ShopPage.Render("Signature does not match", user, gatewayUrl,
                ShopPage.Notice("Signature does not match", "This payment answer is not signed with our key.", error: true), StatusCodes.Status403Forbidden);
        }

        if (Field(query, "referenceID") is { } purchaseId && await store.FindAsync(purchaseId, http.RequestAborted) is { } purchase)
        {
            await store.MarkDeclinedAsync(purchaseId, http.RequestAborted);
            await RenewTokenAfterDeclineAsync(purchase.UserId, SaleIdOf(query), http.RequestAborted);
        }

        return ShopPage.Render("Payment declined", user, gatewayUrl,
            ShopPage.Notice("Payment declined", "The payment was declined: nothing was charged and no credits were added. You can try again with another card."));
    }

    /// <summary>
    /// A declined sale spends the token it used (docs/protocol.md section 4 rule 2), so the user's token
    /// goes; the status page then tells the latest token still active for the sale's card, if any.
    /// </summary>
    private async Task RenewTokenAfterDeclineAsync(string userId, long? saleId, CancellationToken cancellationToken)
    {
        var now = settings.Clock.GetUtcNow();
        if (!await store.ClearOneClickTokenAfterDeclineAsync(userId, saleId, now, cancellationToken))
        {
            logger.LogInformation("Demo shop: decline of sale {SaleId} is older than {UserId}'s token, which stays.", saleId, userId);
            return;
        }

        if (saleId is not { } declined)
        {
            // No sale, nothing the status page could be asked about.
            return;
        }

        if (await status.SaleAsync(declined, cancellationToken) is { } answer && answer.TryGetValue("oneClickToken", out var token) && token.Length > 0)
        {
            var kept = await store.StoreOneClickTokenAsync(userId, declined, token, authenticated: true, now, cancellationToken);
            logger.LogInformation("Demo shop: oneClickToken from the status page of sale {SaleId}: {Outcome}.", declined, kept);
        }
    }

    /// <summary>
    /// The gateway's server tells us of a sale or a refund. Both signatures must match; then the sale
    /// is booked once per saleID and <c>OK</c> acknowledges it (anything else makes the gateway retry).
    /// </summary>
    private async Task<IResult> PostbackAsync(HttpContext http)
    {
        var query = GatewaySignatures.SingleValued(http.Request.Query);
        if (query is null)
        {
            return Refuse(StatusCodes.Status400BadRequest, "a parameter is repeated");
        }

        if (!GatewaySignatures.VerifyQuery(settings.SignatureKey, query))
        {
            return Refuse(StatusCodes.Status403Forbidden, "the signature does not match");
        }

        var now = settings.Clock.GetUtcNow();
        var headers = http.Request.Headers[GatewaySignatures.PostbackHeaderName];
        if (headers.Count != 1
            || !GatewaySignatures.VerifyPostbackHeader(settings.SignatureKey, headers[0], GatewaySignatures.RawQuery(http.Request), now, settings.PostbackMaxAge))
        {
            return Refuse(StatusCodes.Status403Forbidden, $"{GatewaySignatures.PostbackHeaderName} is missing, does not match, or is too old");
        }

        if (Field(query, "shopID") != shopId)
        {
            return Refuse(StatusCodes.Status400BadRequest, "shopID is not this shop's");
        }

        if (Field(query, "saleID") is not { } saleId)
        {
            return Refuse(StatusCodes.Status400BadRequest, "saleID is missing");
        }

        var cancellationToken = http.RequestAborted;
        switch (Field(query, "event"))
        {
            case "credit":
                var refund = await store.RecordRefundAsync(saleId, Field(query, "referenceID"), now, cancellationToken);
                if (refund == RefundOutcome.UnknownSale)
                {
                    return Refuse(StatusCodes.Status404NotFound, $"no purchase of sale {saleId}");
                }

                logger.LogInformation("Demo shop: refund of sale {SaleId}: {Outcome}.", saleId, refund);
                return Acknowledge();
            case null:
                break;
            default:
                return Refuse(StatusCodes.Status400BadRequest, "unknown event");
        }

        if (Field(query, "referenceID") is not { } purchaseId || Field(query, "custom1") is not { } userId
            || Field(query, "priceAmount") is not { } amount || Field(query, "priceCurrency") is not { } currency)
        {
            return Refuse(StatusCodes.Status400BadRequest, "referenceID, custom1, priceAmount or priceCurrency is missing");
        }

        // A refund issues no token (section 4 rule 2), so only a sale's is read.
        var outcome = await store.RecordSaleAsync(new SaleNotice(saleId, purchaseId, userId, amount, currency, Field(query, "oneClickToken")), now, cancellationToken);
        logger.LogInformation("Demo shop: sale {SaleId} for purchase {PurchaseId}: {Outcome}.", saleId, purchaseId, outcome);
        return outcome switch
        {
            SaleOutcome.Credited or SaleOutcome.AlreadyCredited => Acknowledge(),
            SaleOutcome.UnknownPurchase => Refuse(StatusCodes.Status404NotFound, $"no purchase {purchaseId}"),
            _ => Refuse(StatusCodes.Status409Conflict, $"sale {saleId} does not match purchase {purchaseId}"),
        };
    }

    private static IResult Acknowledge() => Results.Text("OK", "text/plain");

    private IResult Refuse(int statusCode, string reason)
    {
        logger.LogWarning("Demo shop: postback refused: {Reason}.", reason);
        return Results.Text("Refused: " + reason + ".", "text/plain", statusCode: statusCode);
    }

    /// <summary>
    /// A browser says where a form comes from: Sec-Fetch-Site, else Origin (<c>null</c> under our
    /// Referrer-Policy no-referrer, so only another origin counts against it).
    /// </summary>
    private static bool FromThisShop(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site)
        {
            return site.Count == 1 && site[0] == "same-origin";
        }

        var origin = request.Headers.Origin;
        return origin.Count == 0 || origin[0] == "null"
            || string.Equals(origin[0], $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Field(Dictionary<string, string> query, string name) =>
        query.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>saleID as the integer it is (docs/protocol.md section 1): tokens are ordered by it.</summary>
    private static long? SaleIdOf(Dictionary<string, string> query) =>
        long.TryParse(Field(query, "saleID"), NumberStyles.None, CultureInfo.InvariantCulture, out var saleId) ? saleId : null;

    /// <summary>The visitor's user id, a random one kept in a cookie; a person can be several users in several browsers.</summary>
    private static string? CurrentUser(HttpContext http, bool create)
    {
        if (http.Request.Cookies[UserCookie] is { } cookie && UserIdPattern().IsMatch(cookie))
        {
            return cookie;
        }

        if (!create)
        {
            return null;
        }

        var user = "user-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        SetUserCookie(http, user);
        return user;
    }

    private static void SetUserCookie(HttpContext http, string user) =>
        http.Response.Cookies.Append(UserCookie, user, new CookieOptions
        {
            HttpOnly = true,
            // Lax: the cookie still comes along when the gateway sends the buyer back.
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });

    [GeneratedRegex("^user-[0-9a-f]{8}$")]
    private static partial Regex UserIdPattern();

    /// <summary>docs/protocol.md section 3: 1 to 32 characters of A-Z a-z 0-9 . _ -.</summary>
    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex CustomerNumberPattern();
}
