using Bunit;
using Bunit.Rendering;
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
public sealed class WelcomePageTests : ComponentTestContext
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
    public void Development_with_the_demo_shop_running_links_it_and_names_the_demo_log_ins()
    {
        var page = RenderPage(Environments.Development, demoShopUrl: "http://localhost:5090");

        page.FindAll("a").Select(a => a.GetAttribute("href")).ShouldBe(["http://localhost:5090", "/account", "/api/docs", "/openapi/v1.json", "/health/ready"]);
        page.Find("a[href='http://localhost:5090']").TextContent.ShouldBe("Open the demo shop");
        page.Find("#try-heading").ParentElement!.TextContent.ShouldContain("Buy 100 credits again with one click");
        var merchants = page.Find("#account-heading").ParentElement!.TextContent;
        merchants.ShouldContain("owner@demo.test");
        merchants.ShouldContain("admin@demo.test");
        merchants.ShouldContain("demo back-office password");
    }

    [Fact]
    public void Production_shows_no_demo_link_and_no_log_ins()
    {
        var page = RenderPage(Environments.Production, demoShopUrl: null);

        page.FindAll("a").Select(a => a.GetAttribute("href")).ShouldBe(["/account", "/api/docs", "/openapi/v1.json", "/health/ready"]);
        page.FindAll("#try-heading").ShouldBeEmpty();
        TextOf(page).ShouldNotContain("@demo.test");
        TextOf(page).ShouldNotContain("password");
    }

    [Fact]
    public void Development_with_a_configured_owner_names_no_demo_log_ins()
    {
        var page = RenderPage(Environments.Development, demoShopUrl: null, ownerEmail: "owner@merchant.example");

        TextOf(page).ShouldNotContain("@demo.test");
        TextOf(page).ShouldNotContain("owner@merchant.example");
    }

    private IRenderedComponent<ContainerFragment> RenderPage(string environment, string? demoShopUrl, string? ownerEmail = null)
    {
        var demoShop = new RunningDemoShop();
        if (demoShopUrl is not null)
        {
            demoShop.Started(demoShopUrl);
        }

        var options = new OneClickOptions();
        options.Seed.OwnerEmail = ownerEmail;
        Services.AddSingleton(demoShop)
            .AddSingleton(Options.Create(options))
            .AddSingleton<IHostEnvironment>(new Host(environment));
        return RenderWithHead<WelcomePage>(new Dictionary<string, object?>());
    }

    private sealed class Host(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "OneClick.Web";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
