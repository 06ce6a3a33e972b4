using System.Net;
using System.Text;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Hosting;

/// <summary>
/// The refusals the framework sends without a body (an unreadable form, an unknown form name, an
/// address or method no endpoint takes) get a message: a page for pages, a problem for the API.
/// </summary>
public sealed class ClientErrorMessagesTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public ClientErrorMessagesTests(GatewayFactory gateway) => this.gateway = gateway;

    [Theory]
    [InlineData("_handler=no-such-form")] // a form name no page has
    [InlineData("_handler=pay&Card.Number=4242%00")] // a NUL: the form cannot be read at all
    public async Task Order_page_post_the_framework_refuses_is_400_with_a_message(string fields)
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());
        var token = page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var response = await buyer.Client.PostAsync(page.Url, new StringContent(
            $"__RequestVerificationToken={Uri.EscapeDataString(token)}&{fields}", Encoding.UTF8, "application/x-www-form-urlencoded"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("<h1 class=\"h3\">The request is not valid</h1>");
        body.ShouldContain("Nothing was done");
        response.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem().ShouldContain("default-src 'none'");
    }

    [Fact]
    public async Task Page_that_does_not_exist_is_404_with_a_message()
    {
        var response = await gateway.CreatePlainClient().GetAsync("/order/a/b/c");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Page not found");
    }

    [Fact]
    public async Task Unknown_order_still_shows_the_not_found_page()
    {
        var page = await Buyer.Of(gateway).GetAsync("/order/AAAAAAAAAAAAAAAAAAAAAA");

        page.Status.ShouldBe(HttpStatusCode.NotFound);
        page.Text.ShouldContain("or the payment it belonged to has been removed");
    }

    [Theory]
    [InlineData("GET", "/api/v1/orders", HttpStatusCode.NotFound, "not-found")]
    [InlineData("GET", "/api/v1/no/such/endpoint", HttpStatusCode.NotFound, "not-found")]
    [InlineData("DELETE", "/api/v1/orders/order-1", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    [InlineData("PUT", "/api/v1/orders/hpp", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    public async Task Api_address_or_method_without_an_endpoint_is_a_problem(string method, string path, HttpStatusCode status, string type)
    {
        var api = new MerchantApi(gateway.CreatePlainClient());
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await api.SendAsync(request);

        response.ShouldBeProblem(status, type).ShouldContain("/openapi/v1.json");
    }
}
