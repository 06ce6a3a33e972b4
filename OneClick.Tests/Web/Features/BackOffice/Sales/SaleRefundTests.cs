using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>Refunds from the sale page: full and partial, with a reason, never above what is left, told to the merchant, audited.</summary>
public sealed class SaleRefundTests : IDisposable
{
    private const string StaffEmail = "clerk@merchant.test";

    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public SaleRefundTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl);

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    private async Task<Buyer> StaffAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway), StaffEmail);

    [Fact]
    public async Task Refund_form_offers_what_is_left_to_refund()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");

        var page = await (await StaffAsync()).GetAsync($"/account/sales/{saleId}");

        page.Document.QuerySelector("#refund-amount")!.GetAttribute("value").ShouldBe("9.99");
        page.Document.QuerySelector("label[for=refund-amount]")!.TextContent.ShouldBe("Amount (EUR)");
        page.Document.QuerySelector("label[for=refund-reason]")!.TextContent.ShouldBe("Reason");
    }

    [Fact]
    public async Task Partial_then_full_refund_refunds_the_sale_and_tells_the_merchant_each_time()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var staff = await StaffAsync();

        var afterPartial = await SalesScenario.RefundAsync(staff, await staff.GetAsync($"/account/sales/{saleId}"), "3.00", "Customer asked for part");

        afterPartial.Url.ShouldContain($"/account/sales/{saleId}?refunded=");
        afterPartial.Text.ShouldContain("Refund of 3.00 EUR requested");
        afterPartial.Document.QuerySelector("#refund-amount")!.GetAttribute("value").ShouldBe("6.99");
        await CreditPostbackAsync("3.00");

        var afterFull = await SalesScenario.RefundAsync(staff, afterPartial, amount: null, "The rest, too");

        afterFull.Text.ShouldContain("Refund of 6.99 EUR requested");
        afterFull.Text.ShouldContain("Nothing is left to refund on this sale.");
        await CreditPostbackAsync("6.99");
        await GatewayFactory.EventuallyAsync(
            async () => (await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == saleId))).Result == SaleResult.Refunded, "the sale is refunded");
        var refunds = await gateway.WithDbAsync(db => db.Refunds.Where(r => r.SaleId == saleId).OrderBy(r => r.Id).ToListAsync());
        refunds.Select(r => r.Amount).ShouldBe([3.00m, 6.99m]);
        refunds.Select(r => r.Reason).ShouldBe(["Customer asked for part", "The rest, too"]);
        refunds.ShouldAllBe(r => !r.Automatic && r.State == RefundState.Completed);

        var page = await staff.GetAsync($"/account/sales/{saleId}");
        var events = page.Document.QuerySelectorAll("#events-heading ~ table tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        events.Where(e => e[1].StartsWith("Refund", StringComparison.Ordinal)).Select(e => (e[1], e[2], e[3])).ShouldBe(
        [
            ("Refund of 3.00 EUR", "Customer asked for part (completed)", StaffEmail),
            ("Refund of 6.99 EUR", "The rest, too (completed)", StaffEmail),
        ]);
        page.Text.ShouldContain("Credit (refund) postback to");
    }

    [Fact]
    public async Task Refund_above_what_is_left_is_refused_with_a_clear_message()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var staff = await StaffAsync();
        var partial = await SalesScenario.RefundAsync(staff, await staff.GetAsync($"/account/sales/{saleId}"), "5.00", "Part");

        var refused = await SalesScenario.RefundAsync(staff, partial, "5.00", "Too much");

        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.FieldMessage("Amount (EUR)").ShouldBe("5.00 EUR is more than what is left to refund on this sale: at most 4.99 EUR.");
        refused.Document.QuerySelector("#refund-amount")!.GetAttribute("value").ShouldBe("5.00");
        refused.Document.QuerySelector("#refund-reason")!.GetAttribute("value").ShouldBe("Too much");
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(1);
    }

    [Theory]
    [InlineData("abc", "Customer asked", "Amount (EUR)", "Enter an amount such as 9.99: digits, with a point before the cents.")]
    [InlineData("0", "Customer asked", "Amount (EUR)", "Enter an amount above zero with at most two decimals.")]
    [InlineData("1.005", "Customer asked", "Amount (EUR)", "Enter an amount above zero with at most two decimals.")]
    [InlineData("1.00", "  ", "Reason", "Enter the reason for the refund.")]
    public async Task Refund_with_a_bad_field_says_so_next_to_it_and_refunds_nothing(string amount, string reason, string label, string message)
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var staff = await StaffAsync();

        var page = await SalesScenario.RefundAsync(staff, await staff.GetAsync($"/account/sales/{saleId}"), amount, reason);

        page.FieldMessage(label).ShouldBe(message);
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Reason_longer_than_200_characters_is_refused()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var staff = await StaffAsync();

        var page = await SalesScenario.RefundAsync(staff, await staff.GetAsync($"/account/sales/{saleId}"), "1.00", new string('x', 201));

        page.FieldMessage("Reason").ShouldBe("The reason may be at most 200 characters; it has 201.");
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Refund_is_in_the_audit_trail_with_who_amount_and_reason()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var staff = await StaffAsync();

        await SalesScenario.RefundAsync(staff, await staff.GetAsync($"/account/sales/{saleId}"), "2.5", "Damaged goods");

        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        entry.Action.ShouldBe("sale.refund");
        entry.Subject.ShouldBe($"sale {saleId}");
        entry.UserEmail.ShouldBe(StaffEmail);
        entry.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        entry.After.ShouldBe("""{"amount":2.50,"currency":"EUR","reason":"Damaged goods"}""");
        entry.Before.ShouldBe("""{"refunded":0.00,"currency":"EUR","result":"Approved"}""");
    }

    [Fact]
    public async Task Refund_post_for_another_merchants_sale_is_refused_and_refunds_nothing()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var foreign = await SalesScenario.BuyAsync(gateway, shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            var staff = await BackOfficeStaff.SignedInAsync(gateway, role, merchantId);

            var response = await SalesScenario.ForgeRefundAsync(staff, foreign, "1.00", "Not mine");

            response.IsSuccessStatusCode.ShouldBeFalse();
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("Other Shop");
        }

        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    private Task CreditPostbackAsync(string amount) => GatewayFactory.EventuallyAsync(
        () => Task.FromResult(merchant.Postbacks.Any(p =>
        {
            var fields = Merchant.ParseQuery(p.Url.Query);
            return fields.GetValueOrDefault("event") == "credit" && fields["priceAmount"] == amount && Merchant.VerifiedQuery(p.Url.ToString()).Count > 0;
        })),
        $"the merchant receives the credit postback of {amount}");
}
