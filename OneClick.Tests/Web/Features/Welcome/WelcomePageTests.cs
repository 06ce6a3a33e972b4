using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.DemoShop;
using OneClick.Web.Features.Welcome;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Web.Features.Welcome;

/// <summary>
/// The gateway's front page: what it is and where to go, the demo shop and the development log-ins
/// only where they exist, and never a merchant's name.
/// </summary>
public sealed class WelcomePageTests
{
    [Fact]
    public async Task Root_of_a_gateway_without_the_demo_shop_answers_with_the_front_page_and_no_demo_link()
    {
        using var gateway = new GatewayFactory();
        using var client = gateway.CreatePlainClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        page.QuerySelector("h1")!.TextContent.ShouldBe("OneClick payment gateway");
        page.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldBe(["/account", "/api/docs", "/openapi/v1.json", "/health/ready"]);
        html.ShouldNotContain("demo shop", Case.Insensitive);
        html.ShouldNotContain("Demo Credits Shop");
        html.ShouldNotContain("password");
    }

    [Fact]
    public async Task Development_with_the_demo_shop_running_links_it_and_names_the_demo_log_ins()
    {
        var page = await RenderAsync(Environments.Development, demoShopUrl: "http://localhost:5090");

        page.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldBe(["http://localhost:5090", "/account", "/api/docs", "/openapi/v1.json", "/health/ready"]);
        page.QuerySelector("a[href='http://localhost:5090']")!.TextContent.ShouldBe("Open the demo shop");
        page.QuerySelector("#try-heading")!.ParentElement!.TextContent.ShouldContain("Buy 100 credits again with one click");
        var merchants = page.QuerySelector("#account-heading")!.ParentElement!.TextContent;
        merchants.ShouldContain("owner@demo.test");
        merchants.ShouldContain("admin@demo.test");
        merchants.ShouldContain("demo back-office password");
    }

    [Fact]
    public async Task Production_shows_no_demo_link_and_no_log_ins()
    {
        var page = await RenderAsync(Environments.Production, demoShopUrl: null);

        page.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldBe(["/account", "/api/docs", "/openapi/v1.json", "/health/ready"]);
        page.QuerySelector("#try-heading").ShouldBeNull();
        page.Body!.TextContent.ShouldNotContain("@demo.test");
        page.Body.TextContent.ShouldNotContain("password");
    }

    [Fact]
    public async Task Development_with_a_configured_owner_names_no_demo_log_ins()
    {
        var page = await RenderAsync(Environments.Development, demoShopUrl: null, ownerEmail: "owner@merchant.example");

        page.Body!.TextContent.ShouldNotContain("@demo.test");
        page.Body.TextContent.ShouldNotContain("owner@merchant.example");
    }

    private static Task<AngleSharp.Dom.IDocument> RenderAsync(string environment, string? demoShopUrl, string? ownerEmail = null)
    {
        var demoShop = new RunningDemoShop();
        if (demoShopUrl is not null)
        {
            demoShop.Started(demoShopUrl);
        }

        var options = new OneClickOptions();
        options.Seed.OwnerEmail = ownerEmail;
        return ComponentRenderer.RenderAsync<WelcomePage>([], services => services
            .AddSingleton(demoShop)
            .AddSingleton(Options.Create(options))
            .AddSingleton<IHostEnvironment>(new Host(environment)));
    }

    private sealed class Host(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "OneClick.Web";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
