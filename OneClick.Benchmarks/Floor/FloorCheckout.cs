using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor's endpoints: the signed startorder with a oneClickToken, charged in one transaction
/// and answered 303; the approval page that reads the sale; and the unmeasured seeding of a buyer.
/// Only what an instant purchase cannot do without: no order row, no acquirer, no rate limits.
/// </summary>
internal sealed partial class FloorCheckout(FloorDatabase database, FloorOkData okData, FloorPostbacks postbacks, CardVault vault, byte[] pageKey)
{
    /// <summary>The remembered-card cookie, named as the gateway names it.</summary>
    public const string CookieName = BenchBuyer.CookieName;

    private static readonly string[] SignatureKeys = [BenchShop.SignatureKey];

    /// <summary>
    /// The signature first, over the parameters the protocol signs, read as the gateway reads them
    /// (each once, no pair hidden in a value); then the few values an instant purchase uses.
    /// </summary>
    public async Task StartOrderAsync(HttpContext context)
    {
        var parameters = context.Request.Query.SelectMany(q => q.Value, (q, value) => new KeyValuePair<string, string>(q.Key, value ?? ""));
        var envelope = StartOrderParser.ReadEnvelope(parameters);
        if (envelope.Errors.Count > 0 || envelope.ShopId != BenchShop.ShopId)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "malformed startorder or unknown shop");
            return;
        }

        if (!FlexPaySignature.VerifyRequest(envelope.Signature, SignatureKeys, envelope.Values, StartOrderParser.Names, allowSha1: false))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "the signature does not verify");
            return;
        }

        var values = envelope.Values;
        var amount = values.GetValueOrDefault("priceAmount") ?? "";
        var currency = values.GetValueOrDefault("priceCurrency") ?? "";
        if (values.GetValueOrDefault("type") != "purchase" || !Amount().IsMatch(amount) || !Currency().IsMatch(currency)
            || values.GetValueOrDefault("oneClickToken") is not { Length: > 0 } token
            || context.Request.Cookies[CookieName] is not { Length: > 0 } browserId)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "not an instant one-click purchase");
            return;
        }

        // Hashing and the next token's crypto happen before the write turn, which waits for nothing else.
        var (nextToken, seed, nextHash) = vault.NewToken();
        var purchase = new FloorPurchase(
            BenchShop.ShopId, CardVault.HashToken(token), CardVault.HashBrowserId(browserId), values.GetValueOrDefault("referenceID"),
            decimal.Parse(amount, CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture), currency,
            TransactionId: Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))); // the acquirer's reference; the floor calls none
        var approval = await database.PurchaseAsync(purchase, new FloorNewToken(nextToken, seed, nextHash), okData.PostbackUrl, context.RequestAborted);
        if (approval is null)
        {
            // The gateway falls back to the order page here (rule 4); the floor has none.
            await RefuseAsync(context, StatusCodes.Status409Conflict, "the token cannot pay");
            return;
        }

        postbacks.Send(approval, nextToken);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/order/" + PageKey(approval.Sale.Id);
    }

    /// <summary>The approval page: reads the sale, and sends the buyer on to the success URL with the signed OK data.</summary>
    public async Task ApprovalPageAsync(HttpContext context)
    {
        var key = context.Request.RouteValues["key"] as string ?? "";
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(key.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var saleId)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(PageKey(saleId)), Encoding.ASCII.GetBytes(key))
            || database.Sale(saleId) is not { } sale)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, "no such order");
            return;
        }

        var successUrl = WebUtility.HtmlEncode(okData.SuccessUrl(sale));
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Payment approved</title>
            <meta http-equiv="refresh" content="3; url={successUrl}"></head>
            <body><h1>Payment approved</h1><p>{sale.Amount} {sale.Currency}, {sale.Brand} {sale.TruncatedPan}</p>
            <p><a href="{successUrl}">Continue</a></p></body></html>
            """, context.RequestAborted);
    }

    /// <summary>
    /// Not measured, and only the floor has it: a new browser's cookie and a token for the test card,
    /// where the gateway's buyers first pay once by card with "Remember my card" ticked.
    /// </summary>
    public async Task SeedAsync(HttpContext context)
    {
        var browserId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (token, _, hash) = vault.NewToken();
        await database.MintAsync(hash, BenchShop.ShopId, CardVault.HashBrowserId(browserId), "424242XXXXXX4242", CardBrand.Visa.ProtocolName(), context.RequestAborted);
        context.Response.Cookies.Append(CookieName, browserId, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(token, context.RequestAborted);
    }

    /// <summary>
    /// The order page's address: the sale id and a MAC of it, so that no one reads another buyer's
    /// approval (and token) by counting sale ids, without an order row or an index to find it by.
    /// </summary>
    private string PageKey(long saleId) =>
        saleId.ToString(CultureInfo.InvariantCulture) + "-"
        + Convert.ToHexStringLower(HMACSHA256.HashData(pageKey, Encoding.ASCII.GetBytes(saleId.ToString(CultureInfo.InvariantCulture))).AsSpan(0, 16));

    private static Task RefuseAsync(HttpContext context, int status, string why)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(why, context.RequestAborted);
    }

    /// <summary>At most 2 decimals, '.' as the separator, below the gateway's maximum (StartOrderParser).</summary>
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Amount();

    [GeneratedRegex(@"^[A-Z]{3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Currency();
}
