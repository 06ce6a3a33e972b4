using System.Net;
using System.Net.Http.Headers;
using OneClick.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>
/// What a buyer's phone downloads for the order page (issue 23): the page and every file it loads,
/// fetched as a browser fetches them (asking for Brotli or gzip), as they come over the wire.
/// </summary>
public sealed class OrderPageWeightTests(GatewayFactory gateway, ITestOutputHelper output) : IClassFixture<GatewayFactory>
{
    private static readonly string[] BrowserEncodings = ["gzip", "deflate", "br", "zstd"];

    [Fact]
    public async Task Order_page_and_every_file_it_loads_weigh_under_40_KB_on_the_wire()
    {
        var buyer = Buyer.Of(gateway);
        var order = await buyer.StartAsync(Merchant.Purchase());
        var files = order.Document.QuerySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src"))
            .OfType<string>()
            .ToList();
        files.ShouldNotBeEmpty();

        var total = 0L;
        foreach (var url in files.Prepend(order.Url))
        {
            var (response, body) = await FetchAsync(buyer.Client, url);
            using var whole = await buyer.Client.GetAsync(url);
            var size = (await whole.Content.ReadAsByteArrayAsync()).Length;

            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            output.WriteLine($"{url}: {body.Length:N0} bytes ({string.Join(",", response.Content.Headers.ContentEncoding)}) of {size:N0}");
            total += body.Length;
            if (url.EndsWith(".ico", StringComparison.Ordinal))
            {
                continue; // an icon is compressed already
            }

            response.Content.Headers.ContentEncoding.ShouldHaveSingleItem(url).ShouldBeOneOf("br", "gzip");
            body.Length.ShouldBeLessThan(size, $"{url}: {body.Length:N0} bytes compressed of {size:N0}");
        }

        output.WriteLine($"total: {total:N0} bytes");
        total.ShouldBeLessThan(40 * 1024);
    }

    [Fact]
    public async Task Order_page_files_have_addresses_of_their_own_version_cached_for_a_year()
    {
        var buyer = Buyer.Of(gateway);
        var order = await buyer.StartAsync(Merchant.Purchase());
        var files = order.Document.QuerySelectorAll("link[rel=stylesheet], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src"))
            .OfType<string>()
            .ToList();
        files.Count.ShouldBe(2);

        foreach (var url in files)
        {
            // css/checkout.<fingerprint>.css: a changed file is a new address, so the old one may be kept.
            url.ShouldMatch(@"^/(css|js)/[a-z-]+\.[a-z0-9]{8,}\.(css|js)$");
            using var response = await buyer.Client.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            output.WriteLine($"{url}: Cache-Control {response.Headers.CacheControl}");
            response.Headers.CacheControl.ShouldNotBeNull(url);
            response.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromDays(365), url);
            response.Headers.CacheControl.ToString().ShouldContain("immutable", Case.Insensitive, url);
        }
    }

    [Fact]
    public async Task Order_page_is_sent_whole_to_a_client_that_asks_for_no_compression()
    {
        var buyer = Buyer.Of(gateway);
        var order = await buyer.StartAsync(Merchant.Purchase());

        using var response = await buyer.Client.GetAsync(order.Url);

        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        (await response.Content.ReadAsStringAsync()).ShouldContain("</html>");
    }

    private static async Task<(HttpResponseMessage Response, byte[] Body)> FetchAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var encoding in BrowserEncodings)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        }

        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }
}
