using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Benchmarks;

/// <summary>
/// One buyer's browser, without JavaScript: its own cookies (kept by hand, since the remembered-card
/// cookie is Secure in Production and <see cref="CookieContainer"/> would not send it over http), its
/// newest oneClickToken, and the requests a browser makes for a purchase.
/// </summary>
public sealed partial class BenchBuyer(int number)
{
    public const string CookieName = "oneclick_browser";

    /// <summary>Which buyer sends a request: a server of several nodes may keep each buyer on one (sticky sessions).</summary>
    public static readonly HttpRequestOptionsKey<int> Sender = new("OneClick.Benchmarks.Buyer");

    private static long references;

    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    public int Number { get; } = number;

    public string? Token { get; private set; }

    public bool HasRememberedCard => cookies.ContainsKey(CookieName) && Token is not null;

    /// <summary>
    /// The first purchase: startorder, the order page, the card form posted with "Remember my card"
    /// ticked (antiforgery token and cookie included), then the approval page that carries the first token.
    /// </summary>
    public async Task<PurchaseResult> SeedAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var start = await SendAsync(http, HttpMethod.Get, StartOrderUrl(oneClickToken: null), null, cancellationToken);
        if (start.StatusCode != HttpStatusCode.SeeOther || start.Headers.Location is not { } orderUrl)
        {
            return PurchaseResult.Failed($"startorder answered {(int)start.StatusCode}");
        }

        using var page = await SendAsync(http, HttpMethod.Get, orderUrl.ToString(), null, cancellationToken);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        var fields = HiddenFieldsOfForm(html, "pay");
        if (fields is null)
        {
            return PurchaseResult.Failed($"no card form on the order page ({(int)page.StatusCode})");
        }

        fields["Card.Number"] = "4242424242424242";
        fields["Card.Expiry"] = "12/30";
        fields["Card.Cvc"] = "123";
        fields["Card.Holder"] = "Bench Buyer";
        fields["Card.Remember"] = "True";
        using var form = new FormUrlEncodedContent(fields);
        using var paid = await SendAsync(http, HttpMethod.Post, orderUrl.ToString(), form, cancellationToken);
        if ((int)paid.StatusCode is < 300 or >= 400 || paid.Headers.Location is not { } next)
        {
            return PurchaseResult.Failed($"the card form answered {(int)paid.StatusCode}");
        }

        if (!cookies.ContainsKey(CookieName))
        {
            return PurchaseResult.Failed($"no {CookieName} cookie after paying with \"Remember my card\"");
        }

        return await ReadApprovalAsync(http, next.ToString(), cancellationToken);
    }

    /// <summary>
    /// Seeding on the floor, which has no card form: its <c>/seed</c> sets this browser's cookie and
    /// answers a token for the test card. No sale is made, so the result carries no saleID.
    /// </summary>
    public async Task<PurchaseResult> SeedOnFloorAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var seeded = await SendAsync(http, HttpMethod.Get, "/seed", null, cancellationToken);
        var token = (await seeded.Content.ReadAsStringAsync(cancellationToken)).Trim();
        if (seeded.StatusCode != HttpStatusCode.OK || token.Length == 0)
        {
            return PurchaseResult.Failed($"the floor's /seed answered {(int)seeded.StatusCode}");
        }

        if (!cookies.ContainsKey(CookieName))
        {
            return PurchaseResult.Failed($"no {CookieName} cookie from the floor's /seed");
        }

        Token = token;
        return new PurchaseResult(true, null, null);
    }

    /// <summary>
    /// An instant one-click purchase: the signed startorder with this buyer's token and cookie, which
    /// the gateway charges at once and answers 303 to the order page, then that page, which says
    /// "Payment approved" and carries the next token in its meta refresh to the success URL.
    /// </summary>
    public async Task<PurchaseResult> OneClickAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (Token is null)
        {
            return PurchaseResult.Failed("no token");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var start = await SendAsync(http, HttpMethod.Get, StartOrderUrl(Token), null, cancellationToken);
        var answered = System.Diagnostics.Stopwatch.GetTimestamp();
        if (start.StatusCode != HttpStatusCode.SeeOther || start.Headers.Location is not { } location)
        {
            return PurchaseResult.Failed($"startorder answered {(int)start.StatusCode}");
        }

        if (!location.OriginalString.StartsWith("/order/", StringComparison.Ordinal) || location.OriginalString.Contains("/declined/", StringComparison.Ordinal))
        {
            return PurchaseResult.Failed("startorder sent the buyer to " + (location.OriginalString.Contains("/declined/", StringComparison.Ordinal) ? "a decline" : "somewhere else"));
        }

        var result = await ReadApprovalAsync(http, location.OriginalString, cancellationToken);
        return result with { StartedAt = started, StartOrderAnsweredAt = answered, FinishedAt = System.Diagnostics.Stopwatch.GetTimestamp() };
    }

    private async Task<PurchaseResult> ReadApprovalAsync(HttpClient http, string orderUrl, CancellationToken cancellationToken)
    {
        using var page = await SendAsync(http, HttpMethod.Get, orderUrl, null, cancellationToken);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        if (page.StatusCode != HttpStatusCode.OK || !html.Contains("Payment approved", StringComparison.Ordinal))
        {
            return PurchaseResult.Failed(html.Contains("Pay with your saved card", StringComparison.Ordinal)
                ? "the order page asked for the CVC (token refused)"
                : html.Contains("Pay by card", StringComparison.Ordinal)
                    ? "the order page asked for a card (token refused)"
                    : $"the order page was not \"Payment approved\" ({(int)page.StatusCode})");
        }

        var refresh = RefreshTarget().Match(html);
        if (!refresh.Success)
        {
            return PurchaseResult.Failed("the approval page has no meta refresh");
        }

        if (!Uri.TryCreate(WebUtility.HtmlDecode(refresh.Groups["url"].Value), UriKind.Absolute, out var target))
        {
            return PurchaseResult.Failed("the approval page's meta refresh is not an absolute URL");
        }

        var query = ParseQuery(target.Query);
        if (!query.TryGetValue("oneClickToken", out var token) || !query.TryGetValue("saleID", out var saleId))
        {
            return PurchaseResult.Failed("the success URL has no oneClickToken or saleID");
        }

        // The merchant trusts an approval only when the success URL's signature holds: so does the benchmark.
        if (!MerchantSignatures.QueryVerifies(query))
        {
            return PurchaseResult.Failed("the success URL's signature does not verify with the shop's key");
        }

        Token = token;
        return new PurchaseResult(true, null, saleId);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.RelativeOrAbsolute)) { Content = content };
        request.Options.Set(Sender, Number);
        if (cookies.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        Remember(response.Headers);
        return response;
    }

    private void Remember(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            return;
        }

        foreach (var setCookie in setCookies)
        {
            var pair = setCookie.Split(';', 2)[0].Split('=', 2);
            if (pair.Length == 2)
            {
                cookies[pair[0].Trim()] = pair[1].Trim();
            }
        }
    }

    /// <summary>A signed purchase as a merchant's site builds it (docs/protocol.md sections 2-3); the token is not signed.</summary>
    private static string StartOrderUrl(string? oneClickToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "3.4",
            ["shopID"] = BenchShop.ShopId.ToString(CultureInfo.InvariantCulture),
            ["type"] = "purchase",
            ["priceAmount"] = "9.99",
            ["priceCurrency"] = "EUR",
            ["description"] = "100 credits",
            ["referenceID"] = "bench-" + Interlocked.Increment(ref references).ToString(CultureInfo.InvariantCulture),
        };
        parameters["signature"] = FlexPaySignature.Compute(BenchShop.SignatureKey, StartOrderParser.Names.Covered(parameters));
        if (oneClickToken is not null)
        {
            parameters["oneClickToken"] = oneClickToken;
        }

        return "/startorder?" + string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    /// <summary>The hidden inputs of the Blazor form whose <c>_handler</c> is <paramref name="handler"/>.</summary>
    private static Dictionary<string, string>? HiddenFieldsOfForm(string html, string handler)
    {
        foreach (Match form in Form().Matches(html))
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match input in Input().Matches(form.Value))
            {
                var attributes = Attribute().Matches(input.Value).ToDictionary(a => a.Groups["name"].Value.ToLowerInvariant(), a => WebUtility.HtmlDecode(a.Groups["value"].Value));
                if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
                {
                    fields[name] = attributes.GetValueOrDefault("value", "");
                }
            }

            if (fields.GetValueOrDefault("_handler") == handler)
            {
                return fields;
            }
        }

        return null;
    }

    private static Dictionary<string, string> ParseQuery(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .GroupBy(p => Uri.UnescapeDataString(p[0]), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.First().Length > 1 ? g.First()[1].Replace('+', ' ') : ""), StringComparer.Ordinal);

    [GeneratedRegex(@"<meta http-equiv=""refresh"" content=""\d+;\s*url=(?<url>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex RefreshTarget();

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex(@"(?<name>[\w.-]+)=""(?<value>[^""]*)""")]
    private static partial Regex Attribute();
}

/// <summary>How a purchase ended; the timestamps (<see cref="System.Diagnostics.Stopwatch"/>) only for one-click ones.</summary>
public sealed record PurchaseResult(bool Approved, string? Failure, string? SaleId)
{
    public long StartedAt { get; init; }

    public long StartOrderAnsweredAt { get; init; }

    public long FinishedAt { get; init; }

    public static PurchaseResult Failed(string why) => new(false, why, null);
}
