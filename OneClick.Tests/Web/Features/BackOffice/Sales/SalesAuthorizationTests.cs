using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>One gateway with a sale of the seeded merchant and one of another merchant, shared by the matrix.</summary>
public sealed class SalesMatrixGateway : IAsyncLifetime, IDisposable
{
    public GatewayFactory Gateway { get; } = new();

    public long OwnSale { get; private set; }

    public long ForeignSale { get; private set; }

    public int OwnMerchant { get; private set; }

    public int OtherMerchant { get; private set; }

    public async Task InitializeAsync()
    {
        await SalesScenario.AddOtherMerchantAsync(Gateway);
        OwnSale = await SalesScenario.BuyAsync(Gateway, "9.99", referenceId: "own-sale");
        ForeignSale = await SalesScenario.BuyAsync(Gateway, "9.99", referenceId: "foreign-sale", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);
        OwnMerchant = await BackOfficeStaff.SeededMerchantIdAsync(Gateway);
        OtherMerchant = await BackOfficeStaff.MerchantOfShopAsync(Gateway, SalesScenario.OtherShopId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Gateway.Dispose();
}

/// <summary>
/// The Sales slice of the authorization matrix: each page and form post, for anonymous visitors, staff
/// and owners of the sale's merchant and of another merchant, and administrators.
/// Every id used is one of the seeded merchant's sales.
/// </summary>
public sealed class SalesAuthorizationTests(SalesMatrixGateway fixture) : IClassFixture<SalesMatrixGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    [Theory]
    [InlineData("/account/sales")]
    [InlineData("/account/sales?result=Approved")]
    [InlineData("/account/sales/{own}")]
    [InlineData("/account/sales.csv")]
    public async Task Anonymous_get_goes_to_the_login_page(string path)
    {
        var url = path.Replace("{own}", fixture.OwnSale.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var response = await Gateway.CreatePlainClient().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("http://localhost/account/login?ReturnUrl=");
    }

    [Fact]
    public async Task Anonymous_refund_post_goes_to_the_login_page_and_refunds_nothing()
    {
        var before = await RefundCountAsync();

        var response = await Gateway.CreatePlainClient().PostAsync($"/account/sales/{fixture.OwnSale}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "refund",
            ["Refund.Amount"] = "1.00",
            ["Refund.Reason"] = "anonymous",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("http://localhost/account/login?ReturnUrl=");
        (await RefundCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Refund_from_a_circuit_without_a_signed_in_person_is_refused()
    {
        var before = await RefundCountAsync();
        await using var circuit = new AccountPageContext(Gateway);

        await Should.ThrowAsync<StaffSessionEndedException>(() => circuit
            .RunAsync((RefundSale refunds) => refunds.RunAsync(fixture.OwnSale, 1.00m, "anonymous", CancellationToken.None)));

        (await RefundCountAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Own_merchant_staff_and_owner_see_list_sale_csv_and_may_refund(string role)
    {
        var email = Email(role);
        var person = await BackOfficeStaff.SignedInAsync(Gateway, role, fixture.OwnMerchant, email);

        await SeesAsync(person, email, fixture.OwnSale, expected: true);
        await SeesAsync(person, email, fixture.ForeignSale, expected: false);
        await MayRefundAsync(email, fixture.OwnSale);
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_staff_and_owner_get_nothing_of_this_merchant(string role)
    {
        var email = Email(role);
        var person = await BackOfficeStaff.SignedInAsync(Gateway, role, fixture.OtherMerchant, email);
        var before = await RefundCountAsync();

        await SeesAsync(person, email, fixture.OwnSale, expected: false);
        (await SalesScenario.RefundAsPersonAsync(Gateway, email, fixture.OwnSale, 0.01m, "Not my sale")).ShouldBeOfType<RefundSaleOutcome.NotFound>();
        (await RefundCountAsync()).ShouldBe(before);
        // Their own sale they do see: the refusal is the scope, not the role.
        await SeesAsync(person, email, fixture.ForeignSale, expected: true);
    }

    [Fact]
    public async Task Administrator_sees_every_merchants_sales_and_may_refund()
    {
        var email = Email(StaffRoles.Administrator);
        var admin = await BackOfficeStaff.SignedInAsync(Gateway, StaffRoles.Administrator, merchantId: null, email);

        await SeesAsync(admin, email, fixture.OwnSale, expected: true);
        await SeesAsync(admin, email, fixture.ForeignSale, expected: true);
        await MayRefundAsync(email, fixture.ForeignSale);
    }

    private static string Email(string role) => $"{role.ToLowerInvariant()}-{UniqueText.Letters()}@matrix.test";

    /// <summary>
    /// Whether the sale is in the list (as the person's circuit loads it), in the CSV, and its page
    /// opens (else 404 with nothing of it).
    /// </summary>
    private async Task SeesAsync(Buyer person, string email, long saleId, bool expected)
    {
        (await person.GetAsync("/account/sales")).Status.ShouldBe(HttpStatusCode.OK);
        (await SalesScenario.ListAsPersonAsync(Gateway, email)).Ids.Contains(saleId).ShouldBe(expected);

        var page = await person.GetAsync($"/account/sales/{saleId}");
        page.Status.ShouldBe(expected ? HttpStatusCode.OK : HttpStatusCode.NotFound);
        if (!expected)
        {
            page.Html.ShouldNotContain("own-sale");
            page.Html.ShouldNotContain("foreign-sale");
        }

        var csv = await SalesScenario.CsvAsync(person);
        csv.Contains($"\r\n{saleId},", StringComparison.Ordinal).ShouldBe(expected);
    }

    private async Task MayRefundAsync(string email, long saleId)
    {
        var before = await RefundCountAsync();

        (await SalesScenario.RefundAsPersonAsync(Gateway, email, saleId, 0.01m, "Matrix check")).ShouldBeOfType<RefundSaleOutcome.Requested>();

        (await RefundCountAsync()).ShouldBe(before + 1);
    }

    private Task<int> RefundCountAsync() => Gateway.WithDbAsync(db => db.Refunds.CountAsync());
}
