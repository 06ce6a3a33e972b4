using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.BackOffice.Sales;

/// <summary>
/// Refunds from the sale page (bUnit, on a real gateway): full and partial, with a reason, confirmed
/// in a dialog, never above what is left, told to the merchant, audited.
/// </summary>
public sealed class SaleRefundTests : IAsyncLifetime, IDisposable
{
    private const string StaffEmail = "clerk@merchant.test";

    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private readonly AccountPageContext context;

    public SaleRefundTests()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl);
        context = new AccountPageContext(gateway);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    private async Task<IRenderedComponent<SalePage>> OpenAsync(long saleId)
    {
        if (await gateway.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == StaffEmail)) is false)
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            await BackOfficeStaff.CreatePersonAsync(gateway, scope.ServiceProvider, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway), StaffEmail);
        }

        await context.ActAsAsync(StaffEmail);
        await context.DisposeComponentsAsync();
        var page = context.Render<SalePage>(p => p.Add(s => s.Id, saleId));
        page.WaitForAssertion(() => page.Find("h1").TextContent.ShouldBe($"Sale {saleId}"));
        return page;
    }

    [Fact]
    public async Task Refund_form_offers_what_is_left_to_refund()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");

        var page = await OpenAsync(saleId);

        page.Field("Amount (EUR)").GetAttribute("value").ShouldBe("9.99");
        page.FieldMessage("Amount (EUR)").ShouldBe("At most 9.99 EUR: what is left to refund.");
        page.Field("Reason").GetAttribute("maxlength").ShouldBe("200");
    }

    [Fact]
    public async Task Partial_then_full_refund_is_confirmed_each_time_and_tells_the_merchant()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);

        SalesScenario.Refund(page, "3.00", "Customer asked for part");

        page.Snackbar().ShouldContain("Refund of 3.00 EUR requested");
        page.WaitForAssertion(() => page.Field("Amount (EUR)").GetAttribute("value").ShouldBe("6.99"));
        await CreditPostbackAsync("3.00");

        SalesScenario.Refund(page, amount: null, "The rest, too");

        page.WaitForAssertion(() => page.Markup.ShouldContain("Nothing is left to refund on this sale."));
        page.Snackbar().ShouldContain("Refund of 6.99 EUR requested");
        await CreditPostbackAsync("6.99");
        await GatewayFactory.EventuallyAsync(
            async () => (await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == saleId))).Result == SaleResult.Refunded, "the sale is refunded");
        var refunds = await gateway.WithDbAsync(db => db.Refunds.Where(r => r.SaleId == saleId).OrderBy(r => r.Id).ToListAsync());
        refunds.Select(r => r.Amount).ShouldBe([3.00m, 6.99m]);
        refunds.Select(r => r.Reason).ShouldBe(["Customer asked for part", "The rest, too"]);
        refunds.ShouldAllBe(r => !r.Automatic && r.State == RefundState.Completed);

        var reopened = await OpenAsync(saleId);
        var events = reopened.FindAll("section[aria-labelledby=events-heading] table tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        events.Where(e => e[1].StartsWith("Refund", StringComparison.Ordinal)).Select(e => (e[1], e[2], e[3])).ShouldBe(
        [
            ("Refund of 3.00 EUR", "Customer asked for part (completed)", StaffEmail),
            ("Refund of 6.99 EUR", "The rest, too (completed)", StaffEmail),
        ]);
        reopened.Markup.ShouldContain("Credit (refund) postback to");
    }

    [Fact]
    public async Task Cancelled_confirmation_refunds_nothing()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);

        SalesScenario.Refund(page, "2.00", "Changed my mind", expectDialog: false);
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("2.00 EUR of sale"));
        page.Press("Cancel");

        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
        page.Field("Reason").GetAttribute("value").ShouldBe("Changed my mind");
    }

    [Fact]
    public async Task Refund_above_what_is_left_is_refused_with_a_clear_message_before_any_dialog()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);
        SalesScenario.Refund(page, "5.00", "Part");
        page.WaitForAssertion(() => page.Field("Amount (EUR)").GetAttribute("value").ShouldBe("4.99"));

        SalesScenario.Refund(page, "5.00", "Too much", expectDialog: false);

        page.WaitForAssertion(() => page.FieldMessage("Amount (EUR)").ShouldBe("5.00 EUR is more than what is left to refund on this sale: at most 4.99 EUR."));
        page.FindAll(".mud-dialog").ShouldBeEmpty();
        page.Field("Amount (EUR)").GetAttribute("value").ShouldBe("5.00");
        page.Field("Reason").GetAttribute("value").ShouldBe("Too much");
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(1);
    }

    [Theory]
    [InlineData("abc", "Customer asked", "Amount (EUR)", "Enter an amount such as 9.99: digits, with a point before the cents.")]
    [InlineData("0", "Customer asked", "Amount (EUR)", "Enter an amount above zero with at most two decimals.")]
    [InlineData("1.005", "Customer asked", "Amount (EUR)", "Enter an amount above zero with at most two decimals.")]
    [InlineData("1.00", "  ", "Reason", "Enter the reason for the refund.")]
    public async Task Refund_with_a_bad_field_says_so_under_it_and_refunds_nothing(string amount, string reason, string label, string message)
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);

        SalesScenario.Refund(page, amount, reason, expectDialog: false);

        page.WaitForAssertion(() => page.FieldMessage(label).ShouldBe(message));
        page.FindAll(".mud-dialog").ShouldBeEmpty();
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Reason_longer_than_200_characters_is_refused_by_the_command_too()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        await OpenAsync(saleId);

        // The field stops at 200 characters; a circuit message is not bound by it.
        var outcome = await SalesScenario.RefundAsPersonAsync(gateway, StaffEmail, saleId, 1.00m, new string('x', 201));

        outcome.ShouldBeOfType<RefundSaleOutcome.Refused>().Refusals.Single().Message.ShouldBe("The reason may be at most 200 characters; it has 201.");
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Refund_is_in_the_audit_trail_with_who_amount_and_reason()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);

        SalesScenario.Refund(page, "2.5", "Damaged goods");

        page.Snackbar().ShouldContain("Refund of 2.50 EUR requested");
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        entry.Action.ShouldBe("sale.refund");
        entry.Subject.ShouldBe($"sale {saleId}");
        entry.UserEmail.ShouldBe(StaffEmail);
        entry.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        entry.After.ShouldBe("""{"amount":2.50,"currency":"EUR","reason":"Damaged goods"}""");
        entry.Before.ShouldBe("""{"refunded":0.00,"currency":"EUR","result":"Approved"}""");
    }

    [Fact]
    public async Task Refund_of_another_merchants_sale_is_refused_and_refunds_nothing()
    {
        await SalesScenario.AddOtherMerchantAsync(gateway);
        var foreign = await SalesScenario.BuyAsync(gateway, shopId: SalesScenario.OtherShopId, key: SalesScenario.OtherShopKey);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);

        foreach (var role in new[] { StaffRoles.Staff, StaffRoles.Owner })
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            var person = await BackOfficeStaff.CreatePersonAsync(gateway, scope.ServiceProvider, role, merchantId);

            (await SalesScenario.RefundAsPersonAsync(gateway, person.Email!, foreign, 1.00m, "Not mine")).ShouldBeOfType<RefundSaleOutcome.NotFound>();
        }

        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Refund_by_a_person_removed_while_the_page_was_open_is_refused_and_says_why()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffUser>>();
            (await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(StaffEmail))!)).Succeeded.ShouldBeTrue();
        }

        SalesScenario.Refund(page, "1.00", "Too late");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("Your session has ended"));
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Refund_from_a_page_left_idle_for_more_than_30_minutes_is_refused_and_says_why()
    {
        var saleId = await SalesScenario.BuyAsync(gateway, "9.99");
        var page = await OpenAsync(saleId);
        gateway.Clock.Advance(TimeSpan.FromMinutes(31));

        SalesScenario.Refund(page, "1.00", "After lunch");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("Your session has ended"));
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync())).ShouldBe(0);
    }

    private Task CreditPostbackAsync(string amount) => GatewayFactory.EventuallyAsync(
        () => Task.FromResult(merchant.Postbacks.Any(p =>
        {
            var fields = Merchant.ParseQuery(p.Url.Query);
            return fields.GetValueOrDefault("event") == "credit" && fields["priceAmount"] == amount && Merchant.VerifiedQuery(p.Url.ToString()).Count > 0;
        })),
        $"the merchant receives the credit postback of {amount}");
}
