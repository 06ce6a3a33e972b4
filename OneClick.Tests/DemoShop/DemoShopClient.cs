using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Logging.Abstractions;
using OneClick.Core.Signatures;
using OneClick.DemoShop;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// The demo shop started alone on a loopback port, with a key the test knows, and a browser-like
/// client (its own user cookie) that buys and reads the shop page; it also plays the gateway's
/// server sending postbacks.
/// </summary>
public sealed class DemoShopClient : IAsyncDisposable
{
    public const int ShopId = 64233;
    public const string SignatureKey = "DemoShopTestKey-5c1d8e2a9f";
    public const string GatewayUrl = "http://gateway.test";

    private readonly CookieContainer cookies = new();
    private readonly HttpClient browser;
    private readonly HttpClient gatewayServer;

    // False for another browser on the same shop: the first client stops it.
    private bool ownsServer = true;

    // The shop's name in the whole-suite card-data and headers sweep (null when the sweep is off).
    private string? sweepLabel;

    private DemoShopClient(DemoShopServer server, string dataDirectory, string gatewayUrl, string? sweepLabel)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Gateway = gatewayUrl;
        this.sweepLabel = sweepLabel;
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies };
        // The demo shop sets Secure only on HTTPS requests: a demo over plain HTTP keeps its cookie.
        browser = new HttpClient(sweepLabel is null ? handler : new RecordingHandler(sweepLabel, secureCookies: false, handler, "Test card: 4242 4242 4242 4242"))
        {
            BaseAddress = new Uri(server.Url + "/"),
        };
        gatewayServer = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
    }

    public DemoShopServer Server { get; }

    /// <summary>The gateway the shop sends buyers to and asks the status page of.</summary>
    public string Gateway { get; }

    public string DataDirectory { get; }

    /// <summary>Leave the data folder when disposed, so that another shop can start on it.</summary>
    public bool KeepDataDirectory { get; set; }

    /// <summary>The browser comes as this user (the shop keeps the user id in a cookie).</summary>
    public void ActAs(string userId) => cookies.Add(new Uri(Server.Url), new Cookie("OneClickDemoShop.User", userId));

    /// <summary>A shop on a fresh data folder (or <paramref name="dataDirectory"/>); <paramref name="gatewayUrl"/> e.g. a <see cref="FakeStatusPage"/>.</summary>
    public static async Task<DemoShopClient> StartAsync(string? dataDirectory = null, string gatewayUrl = GatewayUrl)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "oneclick-tests", "demoshop-" + Guid.NewGuid().ToString("N"));
        var server = await DemoShopServer.StartAsync(new DemoShopSettings
        {
            Url = $"http://127.0.0.1:{LoopbackPort.Free()}",
            GatewayUrl = gatewayUrl,
            ShopId = ShopId,
            SignatureKey = SignatureKey,
            DataDirectory = dataDirectory,
        }, NullLoggerFactory.Instance, CancellationToken.None);
        return new DemoShopClient(server, dataDirectory, gatewayUrl, CardDataSweep.Enabled ? CardDataSweep.HostStarted("demo shop") : null);
    }

    /// <summary>The same shop as another browser: its own cookies, nobody's user until it picks one.</summary>
    public DemoShopClient OtherBrowser() => new(Server, DataDirectory, Gateway, sweepLabel) { KeepDataDirectory = true, ownsServer = false };


    /// <summary>Clicks "Buy N credits": the shop answers with a redirect to the gateway's startorder.</summary>
    public async Task<Dictionary<string, string>> BuyAsync(int credits)
    {
        using var response = await browser.GetAsync(new Uri($"buy/{credits}", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location.ShouldNotBeNull();
        location.GetLeftPart(UriPartial.Path).ShouldBe(Gateway + "/startorder");
        return Merchant.ParseQuery(location.Query);
    }

    /// <summary>Clicks "Buy N credits again with one click" (or opens its link when it is not shown).</summary>
    public async Task<Dictionary<string, string>> BuyWithOneClickAsync(int credits)
    {
        using var response = await browser.GetAsync(new Uri($"buy/{credits}/one-click", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location.ShouldNotBeNull();
        location.GetLeftPart(UriPartial.Path).ShouldBe(Gateway + "/startorder");
        return Merchant.ParseQuery(location.Query);
    }

    /// <summary>The "Buy … again with one click" links the shop page shows, by name.</summary>
    public async Task<List<string>> OneClickLinksAsync()
    {
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        return new HtmlParser().ParseDocument(html).QuerySelectorAll("a")
            .Select(a => a.TextContent.Trim())
            .Where(name => name.EndsWith("again with one click", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>
    /// Ticks or clears "Send my user id as customerNumber" and saves it, as the shop page's form
    /// posts it; <paramref name="origin"/> and <paramref name="fetchSite"/> are the Origin and
    /// Sec-Fetch-Site headers a browser sends, none when null.
    /// </summary>
    public async Task<HttpResponseMessage> ChooseWalletAsync(bool sendCustomerNumber, string? origin = null, string? fetchSite = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("wallet", UriKind.Relative))
        {
            // A cleared checkbox is left out of the form.
            Content = new FormUrlEncodedContent(sendCustomerNumber ? [new("sendCustomerNumber", "on")] : Array.Empty<KeyValuePair<string, string>>()),
        };
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }

        return await browser.SendAsync(request);
    }

    /// <summary>Whether the shop page shows "Send my user id as customerNumber" ticked.</summary>
    public async Task<bool> SendsCustomerNumberOnPageAsync()
    {
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        var document = new HtmlParser().ParseDocument(html);
        var checkbox = document.QuerySelector("input[type=checkbox]#send-customer-number").ShouldNotBeNull();
        document.QuerySelector("label[for=send-customer-number]").ShouldNotBeNull().TextContent.Trim().ShouldBe("Send my user id as customerNumber");
        return checkbox.HasAttribute("checked");
    }

    /// <summary>The user the shop page says this browser is.</summary>
    public async Task<string> CurrentUserAsync()
    {
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        return new HtmlParser().ParseDocument(html).QuerySelector("#user").ShouldNotBeNull().TextContent.Trim();
    }

    /// <summary>The OK-data fields the gateway sends for an approved sale of a startorder.</summary>
    public static Dictionary<string, string> OkData(IReadOnlyDictionary<string, string> startOrder, long saleId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["shopID"] = startOrder["shopID"],
        ["saleID"] = saleId.ToString(CultureInfo.InvariantCulture),
        ["transactionID"] = "sbx_" + saleId.ToString(CultureInfo.InvariantCulture),
        ["referenceID"] = startOrder["referenceID"],
        ["priceAmount"] = startOrder["priceAmount"],
        ["priceCurrency"] = startOrder["priceCurrency"],
        ["paymentMethod"] = "CC",
        ["type"] = "purchase",
        ["custom1"] = startOrder["custom1"],
        ["CCBrand"] = "VISA",
        ["truncatedPAN"] = "424242XXXXXX4242",
    }.WithCustomerNumberOf(startOrder);

    /// <summary>The query string as the gateway sends it: signed fields, percent-encoded.</summary>
    public static string SignedQuery(IReadOnlyDictionary<string, string> fields, string key = SignatureKey) =>
        string.Join('&', fields.Append(new("signature", FlexPaySignature.SignMessage(key, fields)))
            .Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// <summary>X-OneClick-Signature as docs/protocol.md section 5 defines it, written out here as a merchant reads it.</summary>
    public static string SignatureHeader(string query, DateTimeOffset at, string key = SignatureKey)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{t}.{query}")));
        return $"t={t},v1={v1}";
    }

    /// <summary>A postback as the gateway's server sends it; <paramref name="header"/> null leaves the header out.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostbackAsync(string query, string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("postback?" + query, UriKind.Relative));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("X-OneClick-Signature", header);
        }

        using var response = await gatewayServer.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(HttpStatusCode Status, string Body)> SignedPostbackAsync(IReadOnlyDictionary<string, string> fields)
    {
        var query = SignedQuery(fields);
        return PostbackAsync(query, SignatureHeader(query, DateTimeOffset.UtcNow));
    }

    /// <summary>The shop page as the buyer sees it: the balance and the rows of the purchases table.</summary>
    public async Task<(string Balance, List<string[]> Purchases)> ShopPageAsync()
    {
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        var document = new HtmlParser().ParseDocument(html);
        var rows = document.QuerySelectorAll("tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray())
            .ToList();
        return (document.QuerySelector("#balance").ShouldNotBeNull().TextContent.Trim(), rows);
    }

    /// <summary>The buyer's browser lands on a page of the shop (the gateway sent it there).</summary>
    public async Task<(HttpStatusCode Status, string Html)> VisitAsync(string pathAndQuery)
    {
        using var response = await browser.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        gatewayServer.Dispose();
        if (!ownsServer)
        {
            return;
        }

        await Server.DisposeAsync();
        if (Interlocked.Exchange(ref sweepLabel, null) is { } label)
        {
            CardDataSweep.DataDirectory(label, DataDirectory);
            CardDataSweep.HostStopped(label);
        }

        if (KeepDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

internal static class OkDataExtensions
{
    /// <summary>The gateway sends the startorder's customerNumber back in the OK data, signed (docs/protocol.md section 5).</summary>
    public static Dictionary<string, string> WithCustomerNumberOf(this Dictionary<string, string> okData, IReadOnlyDictionary<string, string> startOrder)
    {
        if (startOrder.TryGetValue("customerNumber", out var customerNumber))
        {
            okData["customerNumber"] = customerNumber;
        }

        return okData;
    }
}
