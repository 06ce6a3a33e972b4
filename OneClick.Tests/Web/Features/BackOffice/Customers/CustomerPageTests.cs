using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// /account/customers/{id}: masked cards with their counts and lock, the sales at the person's own
/// shops (as first answered over HTTP), and the changes staff make over the circuit (Deny confirmed
/// in a dialog, Member, remove a card confirmed in a dialog), each audited (bUnit, on a real gateway).
/// </summary>
public sealed class CustomerPageTests : IAsyncLifetime, IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();
    private readonly AccountPageContext context;

    public CustomerPageTests() => context = new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync() => await context.DisposeAsync();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Customer_page_shows_masked_cards_counts_and_sales()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await PaySavedAsync(gateway, Jane, "5.00");
        var declined = Buyer.Of(gateway);
        var newCard = await declined.UseNewCardAsync(await declined.StartAsync(Merchant.Purchase("3.00", customerNumber: Jane)));
        (await declined.PayAsync(newCard, "4000 0000 0000 9995", remember: false)).Heading.ShouldNotBe("Payment approved");
        var staff = await SignedInStaffAsync();

        var page = await staff.GetAsync(await CustomerUrlAsync(Jane));

        page.Heading.ShouldBe($"Customer {Jane}");
        var card = Cells(page, "Saved cards").Single();
        card[0].ShouldBe("Visa •••• 4242");
        card[1].ShouldBe("12/30");
        card[2].ShouldBe("2");
        card[3].ShouldBe("Confirmed");
        card[4].ShouldBe("Not locked");
        var sales = Cells(page, "Sales at your shops");
        sales.Count.ShouldBe(3);
        sales[0][3].ShouldBe("3.00 EUR");
        sales[0][5].ShouldBe("Declined");
        sales[0][6].ShouldBe("Insufficient funds");
        sales[1][3].ShouldBe("5.00 EUR");
        sales[1][4].ShouldBe("Visa •••• 4242 (one-click)");
        sales[1][5].ShouldBe("Approved");
        sales[2][3].ShouldBe("10.00 EUR");
        page.Text.ShouldContain("Member");
        // Masked only: never the BIN with the rest of the number, nor anything of the token.
        page.Html.ShouldNotContain("4242424242424242");
        page.Html.ShouldNotContain("424242XXXXXX4242");
    }

    [Fact]
    public async Task Locked_card_says_until_when_in_utc()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var until = gateway.Clock.GetUtcNow().UtcDateTime.AddMinutes(42);
        await gateway.WithDbAsync(async db =>
        {
            (await db.SavedCards.SingleAsync()).LockForOneClick(until);
            return await db.SaveChangesAsync();
        });
        var staff = await SignedInStaffAsync();

        var page = await staff.GetAsync(await CustomerUrlAsync(Jane));

        Cells(page, "Saved cards").Single()[4].ShouldContain($"Locked until {until.ToString(until.Date == gateway.Clock.GetUtcNow().UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
    }

    [Fact]
    public async Task Union_of_two_merchants_shows_each_only_their_own_shops_sales()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        await FirstPurchaseAsync(gateway, Jane);
        await PaySavedAsync(gateway, Jane, "7.00", OtherShopId, OtherKey);
        var url = await CustomerUrlAsync(Jane);
        var ours = await SignedInStaffAsync();
        var theirs = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, otherMerchant);

        var ourSales = Cells(await ours.GetAsync(url), "Sales at your shops");
        var theirPage = await theirs.GetAsync(url);

        ourSales.Select(s => s[3]).ShouldBe(["10.00 EUR"]);
        Cells(theirPage, "Sales at your shops").Select(s => s[3]).ShouldBe(["7.00 EUR"]);
        Cells(theirPage, "Sales at your shops").Single()[2].ShouldBe("Other Shop");
        Cells(theirPage, "Saved cards").Single()[0].ShouldBe("Visa •••• 4242");
    }

    [Fact]
    public async Task Deny_confirmed_takes_the_offer_away_and_Member_brings_the_saved_card_back()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var page = await OpenAsStaffAsync();

        PressAndAnswer(page, "Set Deny", "Yes, set Deny");

        page.Snackbar().ShouldContain("The customer is set to Deny.");
        page.WaitForAssertion(() => page.Button("Set Member").ShouldNotBeNull());
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        order.Heading.ShouldBe("Pay by card");
        order.Document.QuerySelector("fieldset").ShouldBeNull();
        order.Document.QuerySelector("#card-remember").ShouldBeNull();
        order.Text.ShouldNotContain("Remember my card");

        // Lifting the Deny takes nothing from anyone: no dialog.
        page.Press("Set Member");

        page.WaitForAssertion(() => page.Find("#mud-snackbar-container").TextContent.ShouldContain("The Deny is lifted."));
        page.WaitForAssertion(() => page.Button("Set Deny").ShouldNotBeNull());
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        var again = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        again.Heading.ShouldBe("Pay with your saved card");
    }

    [Fact]
    public async Task Deny_dialog_names_what_it_does_and_cancelling_changes_nothing()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var page = await OpenAsStaffAsync();

        page.Press("Set Deny");
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain($"Set customer {Jane} to Deny?"));
        page.Find(".mud-dialog").TextContent.ShouldContain("every live oneClickToken ends at once");
        // A second press while the dialog is open opens no second one.
        page.Button("Set Deny").HasAttribute("disabled").ShouldBeTrue();
        page.Press("Cancel");

        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        page.WaitForAssertion(() => page.Button("Set Deny").HasAttribute("disabled").ShouldBeFalse());
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Deny_of_a_customer_without_cards_keeps_the_remember_offer_away_from_their_first_purchase()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var page = await OpenAsStaffAsync();
        PressAndAnswer(page, "Remove card Visa •••• 4242", "Yes, remove card");
        await GatewayFactory.EventuallyAsync(async () => (await CustomerAsync(gateway, Jane)).Status == CustomerStatus.New, "Jane is New again");

        PressAndAnswer(page, "Set Deny", "Yes, set Deny");
        await GatewayFactory.EventuallyAsync(async () => (await CustomerAsync(gateway, Jane)).Status == CustomerStatus.Deny, "Jane is denied");

        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        order.Document.QuerySelector("input#card-number").ShouldNotBeNull();
        order.Document.QuerySelector("#card-remember").ShouldBeNull();
        page.Press("Set Member");
        await GatewayFactory.EventuallyAsync(async () => (await CustomerAsync(gateway, Jane)).Status == CustomerStatus.New, "the Deny is lifted, and Jane has no card");
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane))).Document.QuerySelector("#card-remember").ShouldNotBeNull();
    }

    [Fact]
    public async Task Remove_card_asks_to_confirm_then_forgets_it_and_its_tokens()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(customerNumber: Jane)));
        var token = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        var page = await OpenAsStaffAsync();

        page.Press("Remove card Visa •••• 4242");
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("Remove this card?"));
        page.Find(".mud-dialog").TextContent.ShouldContain("Visa •••• 4242 (expires 12/30) will be forgotten");
        page.Press("Keep the card");
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).DeletedAt.ShouldBeNull();

        PressAndAnswer(page, "Remove card Visa •••• 4242", "Yes, remove card");

        page.Snackbar().ShouldContain("The card Visa •••• 4242 was removed.");
        page.WaitForAssertion(() => Cells(page, "Saved cards").Single()[0].ShouldStartWith("Visa •••• 4242 Removed "));
        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Remove card Visa •••• 4242");
        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        card.DeletedAt.ShouldNotBeNull();
        card.EncryptedPan.ShouldBeEmpty();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);
        var hash = OneClick.Core.Cards.CardVault.HashToken(token);
        (await gateway.WithDbAsync(db => db.OneClickTokens.Where(t => t.TokenHash == hash).Select(t => t.State).SingleAsync())).ShouldBe(OneClickTokenState.Revoked);
        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        order.Heading.ShouldBe("Pay by card");
        order.Document.QuerySelector("#card-remember").ShouldNotBeNull();
    }

    [Fact]
    public async Task Remove_card_from_a_page_opened_before_another_tab_removed_it_changes_nothing_more()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var page = await OpenAsStaffAsync();
        var customer = await CustomerAsync(gateway, Jane);
        var cardId = await CardIdAsync();
        // The same person in another tab, first.
        (await context.RunAsync((RemoveSavedCard cards) => cards.RunAsync(customer.Id, cardId, CancellationToken.None))).ShouldBeOfType<RemoveSavedCardOutcome.Removed>();

        PressAndAnswer(page, "Remove card Visa •••• 4242", "Yes, remove card");

        page.Snackbar().ShouldContain("Nothing to change");
        page.WaitForAssertion(() => page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Remove card Visa •••• 4242"));
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == RemoveSavedCard.Action))).ShouldBe(1);
    }

    [Fact]
    public async Task Card_of_another_customer_cannot_be_removed_through_this_customer()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, "john-2", card: Mastercard);
        var johnsCard = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4444").Select(c => c.Id).SingleAsync());
        var jane = await CustomerAsync(gateway, Jane);
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var forged = await context.RunAsync((RemoveSavedCard cards) => cards.RunAsync(jane.Id, johnsCard, CancellationToken.None));

        forged.ShouldBeOfType<RemoveSavedCardOutcome.NotFound>();
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt == null))).ShouldBe(2);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_what_before_and_after_and_no_card_data()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await context.ActAsNewAsync(StaffRoles.Staff, merchantId, "staff@shop.test");
        var page = await OpenCustomerAsync(context, (await CustomerAsync(gateway, Jane)).Id);

        PressAndAnswer(page, "Set Deny", "Yes, set Deny");
        page.Press("Set Member");
        PressAndAnswer(page, "Remove card Visa •••• 4242", "Yes, remove card");

        await GatewayFactory.EventuallyAsync(async () => await gateway.WithDbAsync(db => db.AuditEntries.CountAsync()) == 3, "three changes audited");
        var customer = await CustomerAsync(gateway, Jane);
        var entries = await gateway.WithDbAsync(db => db.AuditEntries.OrderBy(a => a.Id).ToListAsync());
        entries.Select(e => e.Action).ShouldBe(["customer.deny", "customer.allow", "customer.card.delete"]);
        entries.ShouldAllBe(e => e.MerchantId == merchantId && e.UserEmail == "staff@shop.test" && e.Subject == $"customer {customer.Id} ({Jane})");
        entries[0].Before.ShouldBe("""{"status":"Member"}""");
        entries[0].After.ShouldBe("""{"status":"Deny"}""");
        entries[1].Before.ShouldBe("""{"status":"Deny"}""");
        entries[1].After.ShouldBe("""{"status":"Member"}""");
        entries[2].Before!.ShouldContain("Visa");
        entries[2].Before!.ShouldContain("4242");
        entries.ShouldAllBe(e => !(e.Before + e.After).Contains("424242", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Administrator_change_is_audited_for_the_customers_merchant_so_its_owner_sees_it()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await context.ActAsNewAsync(StaffRoles.Administrator, merchantId: null);
        var page = await OpenCustomerAsync(context, (await CustomerAsync(gateway, Jane)).Id);

        PressAndAnswer(page, "Set Deny", "Yes, set Deny");

        page.Snackbar().ShouldContain("The customer is set to Deny.");
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        entry.Action.ShouldBe("customer.deny");
        entry.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
    }

    [Fact]
    public async Task Customer_of_a_union_spanning_merchants_offers_their_staff_no_change_and_refuses_one()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        var jane = await CustomerAsync(gateway, Jane);
        await context.ActAsNewAsync(StaffRoles.Staff, otherMerchant);

        var page = await OpenCustomerAsync(context, jane.Id);
        var forged = await context.RunAsync((SetCustomerStatus statuses) => statuses.RunAsync(jane.Id, CustomerStatus.Deny, CancellationToken.None));

        page.Markup.ShouldContain("only a gateway administrator can change them");
        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Set Deny");
        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Remove card Visa •••• 4242");
        forged.ShouldBeOfType<SetCustomerStatusOutcome.Refused>();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Customer_gone_from_the_persons_reach_while_the_page_is_open_says_so()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var page = await OpenAsStaffAsync();
        // The shop moves to another union (an administrator's act): Jane is no longer this merchant's.
        await gateway.WithDbAsync(async db =>
        {
            var union = new CustomerUnion("Elsewhere", gateway.Clock.GetUtcNow().UtcDateTime);
            db.CustomerUnions.Add(union);
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).JoinUnion(union);
            return await db.SaveChangesAsync();
        });

        PressAndAnswer(page, "Set Deny", "Yes, set Deny");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("not one of your customers"));
        page.Markup.ShouldNotContain("•••• 4242");
        (await gateway.WithDbAsync(db => db.Customers.Where(c => c.Number == Jane).Select(c => c.Status).SingleAsync())).ShouldBe(CustomerStatus.Member);
    }

    private async Task<Buyer> SignedInStaffAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    /// <summary>Jane's page as a new staff member of the seeded merchant's circuit shows it.</summary>
    private async Task<IRenderedComponent<CustomerPage>> OpenAsStaffAsync()
    {
        await context.ActAsNewAsync(StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return await OpenCustomerAsync(context, (await CustomerAsync(gateway, Jane)).Id);
    }

    private async Task<string> CustomerUrlAsync(string number) =>
        $"/account/customers/{(await CustomerAsync(gateway, number)).Id.ToString(CultureInfo.InvariantCulture)}";

    private Task<long> CardIdAsync() =>
        gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4242").Select(c => c.Id).SingleAsync());
}
