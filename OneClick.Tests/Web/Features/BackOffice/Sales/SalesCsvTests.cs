using System.Net;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>/account/sales.csv: the person's sales for a date range, RFC 4180, safe to open in a spreadsheet.</summary>
public sealed class SalesCsvTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private async Task<Buyer> StaffAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    [Fact]
    public async Task Csv_has_a_header_and_one_line_per_own_sale_in_the_range()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var old = await SalesScenario.BuyAsync(gateway, "1.00", referenceId: "old");
        gateway.Clock.Advance(TimeSpan.FromDays(2));
        var sale = await SalesScenario.BuyAsync(gateway, "1234.50", referenceId: "ref, with \"quotes\"", customerNumber: "c.1");
        await SalesScenario.BuyAsync(gateway, referenceId: "foreign", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);
        var now = gateway.Clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var staff = await StaffAsync();

        var response = await staff.Client.GetAsync($"/account/sales.csv?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"sales-{today:yyyy-MM-dd}-to-{today:yyyy-MM-dd}.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = System.Text.Encoding.UTF8.GetString(bytes[3..]);
        var lines = text.Split("\r\n");
        lines.Length.ShouldBe(3); // header, one sale, and the empty rest after the last CRLF
        lines[0].ShouldBe("saleID,date,shopID,shop,referenceID,customerNumber,amount,currency,refundedAmount,cardBrand,truncatedPAN,oneClick,result,declineReason");
        lines[1].ShouldStartWith($"{sale},{today:yyyy-MM-dd}T");
        lines[1].ShouldEndWith($"Z,{GatewayFactory.ShopId},Demo Credits Shop,\"ref, with \"\"quotes\"\"\",c.1,1234.50,EUR,0.00,Visa,424242XXXXXX4242,no,Approved,");
        lines[2].ShouldBeEmpty();
        text.ShouldNotContain("foreign");
        text.ShouldNotContain($"\r\n{old},");
    }

    [Fact]
    public async Task Csv_without_a_range_has_every_own_sale_and_none_of_another_merchant()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var first = await SalesScenario.BuyAsync(gateway);
        var declined = await SalesScenario.BuyAsync(gateway, card: SalesScenario.DeclinedCard);
        var foreign = await SalesScenario.BuyAsync(gateway, referenceId: "foreign", shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);

        var text = await SalesScenario.CsvAsync(await StaffAsync());

        var ids = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        ids.ShouldBe([declined, first]);
        ids.ShouldNotContain(foreign);
        text.ShouldContain(",Declined,Card declined by the bank\r\n");
        // The other merchant, asking for this merchant's shop, gets an error and no line.
        var other = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.MerchantOfShopAsync(gateway, SalesScenario.OtherShopId));
        var refused = await other.Client.GetAsync($"/account/sales.csv?shop={GatewayFactory.ShopId}");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldBe("The export was not made; correct these and try again:\nshop: Choose one of your shops.\n");
        var theirs = await SalesScenario.CsvAsync(other);
        theirs.ShouldContain($"\r\n{foreign},");
        theirs.ShouldNotContain($"\r\n{first},");
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe()
    {
        await SalesScenario.BuyAsync(gateway, referenceId: "=HYPERLINK(\"http://evil.test\",\"x\")", customerNumber: "-2-3");
        await SalesScenario.BuyAsync(gateway, referenceId: "@SUM(A1)");
        await SalesScenario.BuyAsync(gateway, referenceId: "+1");

        var text = await SalesScenario.CsvAsync(await StaffAsync());

        text.ShouldContain(",\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\",'-2-3,");
        text.ShouldContain(",'@SUM(A1),");
        text.ShouldContain(",'+1,");
    }

    [Fact]
    public async Task Bad_dates_are_refused_with_the_reason()
    {
        var staff = await StaffAsync();

        var response = await staff.Client.GetAsync("/account/sales.csv?from=2026-12-01&to=2026-11-01");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("to: The end date is before the start date (2026-12-01)");
        (await staff.Client.GetAsync("/account/sales.csv?from=soon")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("1-2", "1-2")]
    public void Cell_is_quoted_by_RFC_4180_and_neutralised(string? value, string written) =>
        SalesCsv.Cell(value).ShouldBe(written);
}
