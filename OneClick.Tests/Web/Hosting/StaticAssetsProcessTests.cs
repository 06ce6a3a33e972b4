using System.Net;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Hosting;

/// <summary>
/// The built gateway run as a process outside Development (as the crash tests and a quick trial run
/// it) serves its files with their content: without the build's manifest it answered them 200 and
/// empty, and the Personal Account's pages never came alive.
/// </summary>
public sealed class StaticAssetsProcessTests
{
    [Fact]
    public async Task Built_gateway_in_production_serves_its_files_whole()
    {
        using var merchant = new MerchantSite();
        using var data = new TemporaryFolder("oneclick-assets");
        using var gateway = new GatewayProcess(data.Path, GatewayProcess.SettingsFor(merchant));
        await gateway.StartAsync();
        using var client = gateway.CreateClient(new HttpClientHandler());

        foreach (var (url, type, atLeast) in new[]
        {
            ("/_framework/blazor.web.js", "text/javascript", 100_000),
            ("/_content/MudBlazor/MudBlazor.min.js", "text/javascript", 10_000),
            ("/_content/MudBlazor/MudBlazor.min.css", "text/css", 100_000),
            ("/lib/bootstrap/css/bootstrap.min.css", "text/css", 100_000),
            ("/css/account.css", "text/css", 500),
        })
        {
            var response = await client.GetAsync(url);

            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            response.Content.Headers.ContentType!.MediaType.ShouldBe(type, url);
            (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(atLeast, url);
        }
    }
}
