using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// /account/customers/{id}: masked cards with their counts and lock, the sales at the person's own
/// shops, and the changes staff make (Deny, Member, remove a card), each audited.
/// </summary>
public sealed class CustomerPageTests : IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();

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
    public async Task Deny_takes_the_offer_away_and_Member_brings_the_saved_card_back()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var staff = await SignedInStaffAsync();
        var page = await staff.GetAsync(await CustomerUrlAsync(Jane));

        var denied = await staff.SubmitAsync(page, "Set Deny");

        denied.Text.ShouldContain("The customer is set to Deny.");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        order.Heading.ShouldBe("Pay by card");
        order.Document.QuerySelector("fieldset").ShouldBeNull();
        order.Document.QuerySelector("#card-remember").ShouldBeNull();
        order.Text.ShouldNotContain("Remember my card");

        var allowed = await staff.SubmitAsync(denied, "Set Member");

        allowed.Text.ShouldContain("The Deny is lifted.");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        var again = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        again.Heading.ShouldBe("Pay with your saved card");
    }

    [Fact]
    public async Task Deny_of_a_customer_without_cards_keeps_the_remember_offer_away_from_their_first_purchase()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var staff = await SignedInStaffAsync();
        var url = await CustomerUrlAsync(Jane);
        await staff.SubmitAsync(await staff.GetAsync(url + "?remove=" + await CardIdAsync()), "Yes, remove card");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);

        await staff.SubmitAsync(await staff.GetAsync(url), "Set Deny");

        var order = await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane));
        order.Document.QuerySelector("input#card-number").ShouldNotBeNull();
        order.Document.QuerySelector("#card-remember").ShouldBeNull();
        await staff.SubmitAsync(await staff.GetAsync(url), "Set Member");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.New);
        (await Buyer.Of(gateway).StartAsync(Merchant.Purchase(customerNumber: Jane))).Document.QuerySelector("#card-remember").ShouldNotBeNull();
    }

    [Fact]
    public async Task Remove_card_asks_to_confirm_then_forgets_it_and_its_tokens()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(customerNumber: Jane)));
        var token = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        var staff = await SignedInStaffAsync();
        var page = await staff.GetAsync(await CustomerUrlAsync(Jane));

        var confirm = await staff.GetAsync(page.LinkHref("Remove card Visa •••• 4242")!);
        confirm.Text.ShouldContain("Remove this card?");
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).DeletedAt.ShouldBeNull();
        var kept = await staff.GetAsync(confirm.LinkHref("Keep the card")!);
        kept.Text.ShouldNotContain("Remove this card?");

        var removed = await staff.SubmitAsync(confirm, "Yes, remove card");

        removed.Text.ShouldContain("The card was removed.");
        Cells(removed, "Saved cards").Single()[0].ShouldStartWith("Visa •••• 4242 Removed ");
        removed.LinkHref("Remove card Visa •••• 4242").ShouldBeNull();
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
    public async Task Remove_card_posted_again_after_it_went_changes_nothing_more()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var staff = await SignedInStaffAsync();
        var confirm = await staff.GetAsync(await CustomerUrlAsync(Jane) + "?remove=" + await CardIdAsync());
        await staff.SubmitAsync(confirm, "Yes, remove card");

        var again = await staff.SubmitAsync(confirm, "Yes, remove card");

        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Text.ShouldContain("Nothing to change");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "customer.card.delete"))).ShouldBe(1);
    }

    [Fact]
    public async Task Card_of_another_customer_cannot_be_removed_through_this_customers_page()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, "john-2", card: Mastercard);
        var johnsCard = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4444").Select(c => c.Id).SingleAsync());
        var staff = await SignedInStaffAsync();
        var confirm = await staff.GetAsync(await CustomerUrlAsync(Jane) + "?remove=" + await CardIdAsync());

        var forged = await staff.SubmitAsync(confirm, "Yes, remove card", new() { ["Removal.CardId"] = johnsCard.ToString(CultureInfo.InvariantCulture) });

        forged.Status.ShouldBe(HttpStatusCode.NotFound);
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt == null))).ShouldBe(2);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Remove_link_for_a_card_that_is_not_theirs_says_so()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var staff = await SignedInStaffAsync();

        var page = await staff.GetAsync(await CustomerUrlAsync(Jane) + "?remove=999999");

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Text.ShouldContain("not one of this customer's saved cards");
        page.Text.ShouldNotContain("Remove this card?");
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_what_before_and_after_and_no_card_data()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, merchantId, email: "staff@shop.test");
        var url = await CustomerUrlAsync(Jane);

        var page = await staff.SubmitAsync(await staff.GetAsync(url), "Set Deny");
        page = await staff.SubmitAsync(page, "Set Member");
        await staff.SubmitAsync(await staff.GetAsync(url + "?remove=" + await CardIdAsync()), "Yes, remove card");

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
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, merchantId: null);

        await admin.SubmitAsync(await admin.GetAsync(await CustomerUrlAsync(Jane)), "Set Deny");

        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        entry.Action.ShouldBe("customer.deny");
        entry.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
    }

    private async Task<Buyer> SignedInStaffAsync() =>
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    private async Task<string> CustomerUrlAsync(string number) =>
        $"/account/customers/{(await CustomerAsync(gateway, number)).Id.ToString(CultureInfo.InvariantCulture)}";

    private async Task<string> CardIdAsync() =>
        (await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4242").Select(c => c.Id).SingleAsync())).ToString(CultureInfo.InvariantCulture);
}
