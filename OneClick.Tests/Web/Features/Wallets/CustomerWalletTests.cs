using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Core.Acquiring;
using OneClick.Core.Customers;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using Shop = OneClick.Core.Shops.Shop;

namespace OneClick.Tests.Web.Features.Wallets;

/// <summary>
/// docs/protocol.md section 4, rules 5-9: a customer's wallet by customerNumber inside the shop's customer
/// union, the minimum payments before a card is offered, re-issued cards, deleting cards, the
/// customer status, turnover limits and the lock after wrong CVCs.
/// </summary>
public sealed class CustomerWalletTests : IDisposable
{
    private const string Jane = "cust-1001";
    private const string John = "cust-2002";
    private const string Mastercard = "5555 5555 5555 4444";
    private const string DeclinedAfterFirstSale = "4000 0000 0000 0341";
    private const string OtherKey = "OtherShopKey-0123456789abcdef";
    private const string ThirdKey = "ThirdShopKey-0123456789abcdef";

    private readonly GatewayFactory gateway = new();

    public CustomerWalletTests() => gateway.Set("OneClick:Seed:OneClickEnabled", "true");

    public void Dispose() => gateway.Dispose();

    // Rule 5: the wallet by customerNumber.

    [Fact]
    public async Task Customer_wallet_follows_the_customer_into_a_fresh_browser_with_cvc_only()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var freshBrowser = Buyer.Of(gateway);

        var page = await freshBrowser.StartAsync(PurchaseFor(Jane, "5.00"));

        page.Heading.ShouldBe("Pay with your saved card");
        SavedCards(page).ShouldBe(["Visa •••• 4242"]);
        page.Text.ShouldContain("expires 12/30");
        page.Document.QuerySelector("input#card-number").ShouldBeNull();
        page.Document.QuerySelector("input#saved-cvc").ShouldNotBeNull();
        var paid = await freshBrowser.PaySavedAsync(page, cvc: "321");
        paid.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(paid.RefreshTarget!);
        ok["customerNumber"].ShouldBe(Jane);
        ok.ShouldContainKey("oneClickToken");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Without_customer_number_a_fresh_browser_gets_full_entry_and_the_offer()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);

        var page = await Buyer.Of(gateway).StartAsync(Merchant.Purchase());

        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("fieldset").ShouldBeNull();
        page.Document.QuerySelector("input#card-number").ShouldNotBeNull();
        page.Document.QuerySelector("#card-remember").ShouldNotBeNull();
    }

    [Fact]
    public async Task Customer_wallet_is_not_the_browser_wallet_of_the_browser_that_paid()
    {
        var buyer = Buyer.Of(gateway);
        await FirstPurchaseAsync(buyer, Jane);

        var withoutNumber = await buyer.StartAsync(Merchant.Purchase());
        var otherCustomer = await buyer.StartAsync(PurchaseFor(John));

        withoutNumber.Heading.ShouldBe("Pay by card");
        otherCustomer.Heading.ShouldBe("Pay by card");
        otherCustomer.Document.QuerySelector("fieldset").ShouldBeNull();
    }

    [Fact]
    public async Task Saved_card_of_another_customer_cannot_be_posted()
    {
        var buyer = Buyer.Of(gateway);
        await FirstPurchaseAsync(buyer, Jane);
        var janesCard = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        await FirstPurchaseAsync(buyer, John, Mastercard);
        var johnsPage = await buyer.StartAsync(PurchaseFor(John, "3.00"));

        var forged = await buyer.SubmitAsync(johnsPage, "Pay with saved card", new() { ["Saved.CardId"] = janesCard.Id.ToString(CultureInfo.InvariantCulture), ["Saved.Cvc"] = "123" });

        forged.Heading.ShouldNotBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 3.00m))).ShouldBe(0);
    }

    // Customer unions.

    [Fact]
    public async Task Shops_in_one_union_share_the_customer_wallet()
    {
        var other = await AddOneClickShopAsync(70010, OtherKey);
        await JoinUnionAsync(other, GatewayFactory.ShopId);
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);

        var page = await buyer.StartAsync(Merchant.Purchase("4.00", shopId: other, customerNumber: Jane), OtherKey);

        page.Heading.ShouldBe("Pay with your saved card");
        SavedCards(page).ShouldBe(["Visa •••• 4242"]);
        var paid = await buyer.PaySavedAsync(page);
        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!, OtherKey)["customerNumber"].ShouldBe(Jane);
        (await gateway.WithDbAsync(db => db.Customers.CountAsync())).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.SavedCards.Select(c => c.SuccessfulPayments).SingleAsync())).ShouldBe(2);
    }

    [Fact]
    public async Task Shops_not_in_a_union_do_not_share_the_customer_wallet()
    {
        var other = await AddOneClickShopAsync(70010, OtherKey);
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);

        var page = await Buyer.Of(gateway).StartAsync(Merchant.Purchase("4.00", shopId: other, customerNumber: Jane), OtherKey);

        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("fieldset").ShouldBeNull();
        page.Document.QuerySelector("#card-remember").ShouldNotBeNull();
    }

    [Fact]
    public async Task Same_customer_number_in_two_unions_is_two_customers()
    {
        var joined = await AddOneClickShopAsync(70010, OtherKey);
        await JoinUnionAsync(joined, GatewayFactory.ShopId);
        var alone = await AddOneClickShopAsync(70020, ThirdKey);
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);
        var paidAlone = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: alone, customerNumber: Jane), ThirdKey), Mastercard);
        paidAlone.Heading.ShouldBe("Payment approved");

        var customers = await gateway.WithDbAsync(db => db.Customers.Where(c => c.Number == Jane).ToListAsync());
        customers.Count.ShouldBe(2);
        customers.Select(c => c.CustomerUnionId).Distinct().Count().ShouldBe(2);
        SavedCards(await Buyer.Of(gateway).StartAsync(Merchant.Purchase(shopId: joined, customerNumber: Jane), OtherKey)).ShouldBe(["Visa •••• 4242"]);
        SavedCards(await Buyer.Of(gateway).StartAsync(Merchant.Purchase(shopId: alone, customerNumber: Jane), ThirdKey)).ShouldBe(["Mastercard •••• 4444"]);

        // Deny in one union says nothing about the namesake in the other.
        await DenyAsync(Jane, alone);
        SavedCards(await Buyer.Of(gateway).StartAsync(Merchant.Purchase(shopId: alone, customerNumber: Jane), ThirdKey)).ShouldBeEmpty();
        SavedCards(await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane))).ShouldBe(["Visa •••• 4242"]);
    }

    // The shop's minimum number of successful payments.

    [Fact]
    public async Task Minimum_payments_of_two_offers_the_card_only_after_its_second_approved_payment()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetSavedCardMinimumPayments(2));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);

        var afterOne = await buyer.StartAsync(PurchaseFor(Jane));
        afterOne.Heading.ShouldBe("Pay by card");
        afterOne.Document.QuerySelector("fieldset").ShouldBeNull();
        afterOne.Document.QuerySelector("#card-remember").ShouldNotBeNull();
        // Full entry of the same number finds the same card by its fingerprint.
        (await buyer.PayAsync(afterOne)).Heading.ShouldBe("Payment approved");

        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        card.SuccessfulPayments.ShouldBe(2);
        var afterTwo = await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane));
        afterTwo.Heading.ShouldBe("Pay with your saved card");
        SavedCards(afterTwo).ShouldBe(["Visa •••• 4242"]);
    }

    [Fact]
    public async Task Card_below_the_minimum_payments_cannot_be_posted_for_one_click()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetSavedCardMinimumPayments(2));
        var buyer = Buyer.Of(gateway);
        await FirstPurchaseAsync(buyer, Jane);
        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        var page = await buyer.StartAsync(PurchaseFor(Jane, "3.00"));

        var forged = await buyer.SubmitAsync(page, "Pay ", new() { ["_handler"] = "saved", ["Saved.CardId"] = card.Id.ToString(CultureInfo.InvariantCulture), ["Saved.Cvc"] = "123" });

        forged.Heading.ShouldNotBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 3.00m))).ShouldBe(0);
    }

    // Rule 7: re-issued cards.

    [Fact]
    public async Task Re_issued_card_with_the_same_number_updates_the_expiry_of_the_saved_card()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);
        var newCard = await buyer.UseNewCardAsync(await buyer.StartAsync(PurchaseFor(Jane)));
        newCard.Document.QuerySelector("#card-remember")!.HasAttribute("checked").ShouldBeTrue();

        (await buyer.PayAsync(newCard, expiry: "11/32")).Heading.ShouldBe("Payment approved");

        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        (card.ExpiryMonth, card.ExpiryYear).ShouldBe((11, 2032));
        card.DeletedAt.ShouldBeNull();
        var next = await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane));
        SavedCards(next).ShouldBe(["Visa •••• 4242"]);
        next.Text.ShouldContain("expires 11/32");
    }

    [Fact]
    public async Task Re_issued_card_with_a_new_number_is_a_second_card_and_both_are_listed()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);
        var newCard = await buyer.UseNewCardAsync(await buyer.StartAsync(PurchaseFor(Jane)));

        (await buyer.PayAsync(newCard, Mastercard, expiry: "10/31")).Heading.ShouldBe("Payment approved");

        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt == null))).ShouldBe(2);
        var next = await buyer.StartAsync(PurchaseFor(Jane));
        SavedCards(next).OrderBy(c => c, StringComparer.Ordinal).ShouldBe(["Mastercard •••• 4444", "Visa •••• 4242"]);
        next.Text.ShouldContain("expires 12/30");
        next.Text.ShouldContain("expires 10/31");
        var paid = await buyer.PaySavedAsync(next, card: "Visa •••• 4242");
        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!)["truncatedPAN"].ShouldEndWith("4242");
    }

    // Rule 6: a declined saved card is unconfirmed; a wrong CVC is not.

    [Fact]
    public async Task Declined_saved_card_payment_sets_the_card_unconfirmed_with_full_entry_and_the_offer_next_time()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, DeclinedAfterFirstSale);
        var buyer = Buyer.Of(gateway);

        var declined = await buyer.PaySavedAsync(await buyer.StartAsync(PurchaseFor(Jane)));

        declined.Heading.ShouldBe("Payment declined");
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).Confirmed.ShouldBeFalse();
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
        var next = await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane));
        next.Heading.ShouldBe("Pay by card");
        next.Document.QuerySelector("fieldset").ShouldBeNull();
        next.Document.QuerySelector("#card-remember")!.HasAttribute("checked").ShouldBeTrue();
    }

    [Fact]
    public async Task Wrong_cvc_on_a_saved_card_declines_but_the_card_stays_offered()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);

        var declined = await buyer.PaySavedAsync(await buyer.StartAsync(PurchaseFor(Jane)), cvc: "000");

        declined.Heading.ShouldBe("Payment declined");
        declined.Text.ShouldContain(DeclineReason.IncorrectCvc.ForBuyer());
        (await gateway.WithDbAsync(db => db.Sales.OrderBy(s => s.Id).Select(s => s.DeclineReason).LastAsync())).ShouldBe(DeclineReason.IncorrectCvc);
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).Confirmed.ShouldBeTrue();
        SavedCards(await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane))).ShouldBe(["Visa •••• 4242"]);
    }

    // Deleting a card.

    [Fact]
    public async Task Delete_card_asks_to_confirm_then_forgets_the_card_and_its_token()
    {
        var (_, token) = await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane));

        var confirm = await buyer.SubmitAsync(page, "Delete card");

        confirm.Text.ShouldContain("Visa •••• 4242");
        confirm.Document.QuerySelectorAll("button").Select(b => b.TextContent.Trim()).ShouldContain("Yes, delete");
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).DeletedAt.ShouldBeNull();
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Active);

        var after = await buyer.SubmitAsync(confirm, "Yes, delete");

        after.Heading.ShouldBe("Pay by card");
        after.Document.QuerySelector("fieldset").ShouldBeNull();
        after.Document.QuerySelector("input#card-number").ShouldNotBeNull();
        after.Document.QuerySelector("#card-remember")!.HasAttribute("checked").ShouldBeTrue();
        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        card.DeletedAt.ShouldNotBeNull();
        card.EncryptedPan.ShouldBeEmpty();
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Revoked);
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.New);
    }

    [Fact]
    public async Task Delete_card_keeps_the_other_cards_and_the_member_status()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var second = Buyer.Of(gateway);
        await second.PayAsync(await second.UseNewCardAsync(await second.StartAsync(PurchaseFor(Jane))), Mastercard);
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane));
        var visa = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync(c => c.LastFour == "4242"));

        var confirm = await buyer.SubmitAsync(page, "Delete card", new() { ["Delete.CardId"] = visa.Id.ToString(CultureInfo.InvariantCulture) });
        confirm.Text.ShouldContain("Visa •••• 4242");
        var after = await buyer.SubmitAsync(confirm, "Yes, delete");

        SavedCards(after).ShouldBe(["Mastercard •••• 4444"]);
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.Member);
    }

    [Fact]
    public async Task Deleted_card_token_falls_back_to_the_order_page_without_a_charge()
    {
        var first = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(first, Jane);
        var page = await first.StartAsync(PurchaseFor(Jane));
        await first.SubmitAsync(await first.SubmitAsync(page, "Delete card"), "Yes, delete");

        var fallback = await first.StartAsync(WithToken(PurchaseFor(Jane, "2.00"), token));

        fallback.Heading.ShouldBe("Pay by card");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 2.00m))).ShouldBe(0);
    }

    // Rule 8: customer status.

    [Fact]
    public async Task First_approved_remembered_payment_makes_the_customer_a_member()
    {
        (await gateway.WithDbAsync(db => db.Customers.CountAsync())).ShouldBe(0);

        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);

        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.Member);
    }

    [Fact]
    public async Task Declined_first_remembered_payment_leaves_the_customer_new()
    {
        var buyer = Buyer.Of(gateway);

        var declined = await buyer.PayAsync(await buyer.StartAsync(PurchaseFor(Jane)), "4000 0000 0000 0002");

        declined.Heading.ShouldBe("Payment declined");
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.New);
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt == null))).ShouldBe(0);
    }

    [Fact]
    public async Task Deny_hides_the_offer_and_the_cards_issues_no_token_and_revokes_live_ones()
    {
        var (_, token) = await FirstPurchaseAsync(Buyer.Of(gateway), Jane);

        await DenyAsync(Jane);

        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Revoked);
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.Deny);
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane));
        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("fieldset").ShouldBeNull();
        page.Document.QuerySelector("#card-remember").ShouldBeNull();
        page.LinkHref("Pay with a saved card").ShouldBeNull();

        // Even a forged remember box saves nothing, and the approval issues no token.
        var paid = await buyer.PayAsync(page, Mastercard, remember: true);
        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!).ShouldNotContainKey("oneClickToken");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
        var instant = await Buyer.Of(gateway).StartAsync(WithToken(PurchaseFor(Jane, "2.00"), token));
        instant.Heading.ShouldBe("Pay by card");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 2.00m))).ShouldBe(0);
    }

    [Fact]
    public async Task Deny_set_while_the_acquirer_answers_an_instant_payment_stays_and_no_token_is_issued()
    {
        var acquirer = new PausingAcquirer();
        gateway.WithServices(s => s.Replace(ServiceDescriptor.Singleton<IAcquirer>(sp => acquirer.Around(ActivatorUtilities.CreateInstance<SandboxAcquirer>(sp)))));
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer, Jane);

        acquirer.PauseNext();
        var instant = buyer.StartAsync(WithToken(PurchaseFor(Jane, "2.00"), token));
        await acquirer.Paused.WaitAsync(TimeSpan.FromSeconds(30));
        await DenyAsync(Jane);
        acquirer.Resume();
        var page = await instant;

        // The charge was already sent: it stands, but the merchant's Deny wins over the approval.
        page.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(page.RefreshTarget!).ShouldNotContainKey("oneClickToken");
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.Deny);
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync(t => t.State == OneClickTokenState.Active))).ShouldBe(0);
    }

    /// <summary>The sandbox acquirer, held still on its next authorization until the test lets it answer.</summary>
    private sealed class PausingAcquirer
    {
        private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;

        public Task Paused => paused.Task;

        public void PauseNext() => Volatile.Write(ref armed, 1);

        public void Resume() => resumed.TrySetResult();

        public IAcquirer Around(IAcquirer inner) => new Wrapper(inner, this);

        private sealed class Wrapper(IAcquirer inner, PausingAcquirer owner) : IAcquirer
        {
            public async Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken)
            {
                if (Interlocked.Exchange(ref owner.armed, 0) == 1)
                {
                    owner.paused.TrySetResult();
                    await owner.resumed.Task;
                }

                return await inner.AuthorizeAsync(request, cancellationToken);
            }

            public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken) =>
                inner.CompleteAuthenticationAsync(transactionId, authenticated, cancellationToken);

            public Task<RefundResult> RefundAsync(string transactionId, OneClick.Core.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
                inner.RefundAsync(transactionId, amount, idempotencyKey, cancellationToken);
        }
    }

    [Fact]
    public async Task Deny_refuses_a_saved_card_posted_from_a_page_shown_before()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane, "3.00"));

        await DenyAsync(Jane);
        var result = await buyer.PaySavedAsync(page);

        result.Heading.ShouldNotBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 3.00m))).ShouldBe(0);
    }

    [Fact]
    public async Task Deny_before_the_first_purchase_makes_no_offer_and_saves_no_card()
    {
        await DenyAsync(Jane);
        var buyer = Buyer.Of(gateway);

        var page = await buyer.StartAsync(PurchaseFor(Jane));
        page.Document.QuerySelector("#card-remember").ShouldBeNull();
        var paid = await buyer.PayAsync(page, remember: true);

        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!).ShouldNotContainKey("oneClickToken");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(0);
        (await CustomerAsync(Jane)).Status.ShouldBe(CustomerStatus.Deny);
    }

    [Fact]
    public async Task Allow_after_deny_brings_the_saved_cards_back()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        await DenyAsync(Jane);

        (await CustomerSteps.SetStatusAsync(gateway, Jane, CustomerStatus.Member))
            .ShouldBe(new SetCustomerStatusOutcome.Changed(CustomerStatus.Deny, CustomerStatus.Member));

        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane));
        SavedCards(page).ShouldBe(["Visa •••• 4242"]);
        var paid = await buyer.PaySavedAsync(page);
        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!).ShouldContainKey("oneClickToken");
    }

    // Rule 9: turnover limits.

    [Fact]
    public async Task Turnover_limit_passes_exactly_at_the_cap_and_declines_one_cent_over_before_the_acquirer()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 30.00m, 100.00m));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");

        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment approved");
        (await PaySavedAsync(Jane, "20.00")).Heading.ShouldBe("Payment approved");
        var over = await PaySavedAsync(Jane, "0.01");

        over.Heading.ShouldBe("Payment declined");
        over.Text.ShouldContain(DeclineReason.TurnoverLimitReached.ForBuyer());
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Amount == 0.01m));
        sale.Result.ShouldBe(SaleResult.Declined);
        sale.DeclineReason.ShouldBe(DeclineReason.TurnoverLimitReached);
        sale.TransactionId.ShouldBeNull(); // never sent to the acquirer
        gateway.Logs.Lines.ShouldNotContain(m => m.Contains($"sale {sale.Id} sent to the acquirer", StringComparison.Ordinal));
        // The limit says nothing against the card (not rule 6).
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).Confirmed.ShouldBeTrue();
        SavedCards(await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane))).ShouldBe(["Visa •••• 4242"]);
    }

    [Fact]
    public async Task Turnover_limit_counts_instant_one_click_payments_too()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        var buyer = Buyer.Of(gateway);
        var (_, token) = await FirstPurchaseAsync(buyer, Jane, amount: "5.00", currency: "USD");

        var instant = await buyer.StartAsync(WithToken(PurchaseFor(Jane, "10.00"), token));
        instant.Heading.ShouldBe("Payment approved");
        var next = Merchant.VerifiedQuery(instant.RefreshTarget!)["oneClickToken"];
        var over = await buyer.StartAsync(WithToken(PurchaseFor(Jane, "0.01"), next));

        // Over the cap, the token is not spent: the order page, where paying with the CVC is refused too.
        over.Heading.ShouldBe("Pay with your saved card");
        (await TokenStateAsync(next)).ShouldBe(OneClickTokenState.Active);
        var declined = await buyer.PaySavedAsync(over);
        declined.Heading.ShouldBe("Payment declined");
        declined.Text.ShouldContain(DeclineReason.TurnoverLimitReached.ForBuyer());
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Amount == 0.01m));
        (sale.OneClickPayment, sale.DeclineReason, sale.TransactionId).ShouldBe((true, DeclineReason.TurnoverLimitReached, (string?)null));
    }

    [Fact]
    public async Task Turnover_limit_decline_keeps_the_order_open_for_full_entry_even_with_a_decline_url()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");
        var buyer = Buyer.Of(gateway);
        var parameters = PurchaseFor(Jane, "10.01");
        parameters["declineURL"] = "http://merchant.test/declined";
        var page = await buyer.StartAsync(parameters);

        var declined = await buyer.PaySavedAsync(page);

        declined.Heading.ShouldBe("Payment declined");
        var onward = declined.LinkHref("Pay by entering your card").ShouldNotBeNull();
        var full = await buyer.GetAsync(onward);
        full.Heading.ShouldBe("Pay by card");
        (await buyer.PayAsync(full)).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Abandoned_pending_payment_stops_counting_towards_the_limit_after_15_minutes()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 30.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, ThreeDSecureCard, amount: "5.00", currency: "USD", threeDSecure: true);
        var abandoned = await PaySavedAsync(Jane, "25.00");
        abandoned.Heading.ShouldBe("Authentication required"); // the buyer closes the page here

        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment declined");
        gateway.Clock.Advance(Sale.PendingCountsFor + TimeSpan.FromSeconds(1));
        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Authentication required");
    }

    [Fact]
    public async Task Status_page_of_a_union_shop_gives_only_its_own_token_and_a_sale_elsewhere_keeps_it()
    {
        var other = await AddOneClickShopAsync(70010, OtherKey);
        await JoinUnionAsync(other, GatewayFactory.ShopId);
        var buyer = Buyer.Of(gateway);
        var (saleAtA, tokenAtA) = await FirstPurchaseAsync(buyer, Jane);

        var paidAtB = await buyer.PaySavedAsync(await buyer.StartAsync(Merchant.Purchase("4.00", shopId: other, customerNumber: Jane), OtherKey));
        var tokenAtB = Merchant.VerifiedQuery(paidAtB.RefreshTarget!, OtherKey)["oneClickToken"];

        (await TokenStateAsync(tokenAtA)).ShouldBe(OneClickTokenState.Active);
        var status = await SaleStatusAsync(saleAtA);
        status.ShouldContain($"oneClickToken: {tokenAtA}");
        status.ShouldNotContain(tokenAtB);
        (await buyer.StartAsync(WithToken(PurchaseFor(Jane, "1.00"), tokenAtA))).Heading.ShouldBe("Payment approved");
    }

    private async Task<string> SaleStatusAsync(long saleId)
    {
        var parameters = Merchant.Sign(new Dictionary<string, string>
        {
            ["shopID"] = GatewayFactory.ShopId.ToString(CultureInfo.InvariantCulture),
            ["version"] = "3.4",
            ["saleID"] = saleId.ToString(CultureInfo.InvariantCulture),
        });
        var response = await gateway.CreatePlainClient().GetAsync("/salestatus?" + string.Join('&', parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Turnover_limit_counts_all_cards_of_the_customer()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 30.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, Mastercard, amount: "5.00", currency: "USD", newCard: true);

        (await PaySavedAsync(Jane, "20.00", card: "Visa •••• 4242")).Heading.ShouldBe("Payment approved");
        var over = await PaySavedAsync(Jane, "10.01", card: "Mastercard •••• 4444");
        var fits = await PaySavedAsync(Jane, "10.00", card: "Mastercard •••• 4444");

        over.Heading.ShouldBe("Payment declined");
        (await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Amount == 10.01m))).DeclineReason.ShouldBe(DeclineReason.TurnoverLimitReached);
        fits.Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Turnover_limit_is_per_customer()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");
        await FirstPurchaseAsync(Buyer.Of(gateway), John, amount: "5.00", currency: "USD");

        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment approved");

        (await PaySavedAsync(John, "10.00")).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Turnover_limit_is_per_currency()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "GBP");

        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment approved");
        (await PaySavedAsync(Jane, "0.01")).Heading.ShouldBe("Payment declined");

        (await PaySavedAsync(Jane, "50.00", currency: "USD")).Heading.ShouldBe("Payment approved");
        (await PaySavedAsync(Jane, "50.00", currency: "USD")).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Turnover_limit_windows_roll_a_day_and_a_week()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, 15.00m));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");
        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment approved");
        (await PaySavedAsync(Jane, "5.00")).Heading.ShouldBe("Payment declined");

        gateway.Clock.Advance(TimeSpan.FromHours(24));
        (await PaySavedAsync(Jane, "5.00")).Heading.ShouldBe("Payment approved"); // 10 + 5 in the week: at the weekly cap

        gateway.Clock.Advance(TimeSpan.FromHours(24));
        (await PaySavedAsync(Jane, "0.01")).Heading.ShouldBe("Payment declined"); // the day is free, the week is not
        gateway.Clock.Advance(TimeSpan.FromDays(5));
        (await PaySavedAsync(Jane, "5.00")).Heading.ShouldBe("Payment approved"); // the first 10.00 left the week
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.DeclineReason == DeclineReason.TurnoverLimitReached))).ShouldBe(2);
    }

    [Fact]
    public async Task Full_card_entry_is_not_limited()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "5.00", currency: "USD");
        (await PaySavedAsync(Jane, "10.00")).Heading.ShouldBe("Payment approved");

        var buyer = Buyer.Of(gateway);
        var page = await buyer.UseNewCardAsync(await buyer.StartAsync(PurchaseFor(Jane, "250.00")));
        var paid = await buyer.PayAsync(page, Mastercard);

        paid.Heading.ShouldBe("Payment approved");
        var anonymous = Buyer.Of(gateway);
        (await anonymous.PayAsync(await anonymous.StartAsync(Merchant.Purchase("250.00")))).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Full_card_entry_does_not_count_towards_the_one_click_turnover()
    {
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 20.00m, null));
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane, amount: "50.00");

        var oneClick = await PaySavedAsync(Jane, "20.00");

        oneClick.Heading.ShouldBe("Payment approved", oneClick.Text);
    }

    [Fact]
    public async Task Parallel_one_click_payments_racing_for_the_last_of_the_limit_never_exceed_the_cap()
    {
        var address = gateway.StartOnKestrel();
        await ConfigureShopAsync(GatewayFactory.ShopId, shop => shop.SetTurnoverLimit("EUR", 10.00m, null));
        Buyer NewBuyer() => new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = address });
        await FirstPurchaseAsync(NewBuyer(), Jane, amount: "5.00", currency: "USD");
        var first = NewBuyer();
        (await first.PaySavedAsync(await first.StartAsync(PurchaseFor(Jane, "7.00")))).Heading.ShouldBe("Payment approved");
        var buyers = Enumerable.Range(0, 12).Select(_ => NewBuyer()).ToList();
        var pages = await Task.WhenAll(buyers.Select(b => b.StartAsync(PurchaseFor(Jane, "1.00"))));
        pages.ShouldAllBe(p => p.Heading == "Pay with your saved card");

        var results = await Task.WhenAll(buyers.Zip(pages).Select(p => p.First.PaySavedAsync(p.Second)));

        // 3.00 were left: three of the twelve get through, however the requests interleave.
        var approved = await gateway.WithDbAsync(db => db.Sales.Where(s => s.Currency == "EUR" && s.Result == SaleResult.Approved).Select(s => s.Amount).ToListAsync());
        approved.Sum().ShouldBe(10.00m);
        results.Count(r => r.Heading == "Payment approved").ShouldBe(3);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Result == SaleResult.Pending))).ShouldBe(0);
    }

    // The lock after wrong CVCs.

    [Fact]
    public async Task Five_wrong_cvcs_within_an_hour_lock_the_card_for_one_click()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        for (var i = 0; i < CvcLimit; i++)
        {
            (await PaySavedAsync(Jane, cvc: "000")).Heading.ShouldBe("Payment declined");
        }

        var card = await gateway.WithDbAsync(db => db.SavedCards.SingleAsync());
        var until = card.LockedUntil.ShouldNotBeNull();
        until.ShouldBeInRange(gateway.Clock.GetUtcNow().UtcDateTime.AddMinutes(59), gateway.Clock.GetUtcNow().UtcDateTime.AddMinutes(61));
        card.Confirmed.ShouldBeTrue();
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane, "3.00"));
        var radio = page.Document.QuerySelector($"input#saved-{card.Id}").ShouldNotBeNull();
        radio.HasAttribute("disabled").ShouldBeTrue();
        radio.HasAttribute("checked").ShouldBeFalse();
        var lockedText = page.Document.GetElementById(radio.GetAttribute("aria-describedby")!).ShouldNotBeNull().TextContent;
        lockedText.ShouldContain("locked");
        lockedText.ShouldContain($"until {until:HH:mm} UTC");
        page.LinkHref("Use a new card").ShouldNotBeNull();

        // A forged post of the locked card (and the right CVC) charges nothing.
        var sales = await gateway.WithDbAsync(db => db.Sales.CountAsync());
        var forged = await buyer.SubmitAsync(page, "Pay with saved card", new() { ["Saved.CardId"] = card.Id.ToString(CultureInfo.InvariantCulture), ["Saved.Cvc"] = "123" });
        forged.Heading.ShouldBe("Pay with your saved card");
        forged.Text.ShouldContain($"locked for payments without full card details until {until:HH:mm} UTC");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(sales);
    }

    [Fact]
    public async Task Locked_card_token_falls_back_to_the_order_page_unspent_and_works_again_after_the_hour()
    {
        var buyer = Buyer.Of(gateway);
        await FirstPurchaseAsync(buyer, Jane);
        for (var i = 0; i < CvcLimit; i++)
        {
            await PaySavedAsync(Jane, cvc: "000");
        }

        // Full entry of the locked card is not one-click: it pays, and its approval issues a token.
        var fullEntry = await buyer.PayAsync(await buyer.UseNewCardAsync(await buyer.StartAsync(PurchaseFor(Jane))));
        fullEntry.Heading.ShouldBe("Payment approved");
        var token = Merchant.VerifiedQuery(fullEntry.RefreshTarget!)["oneClickToken"];
        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).IsLocked(gateway.Clock.GetUtcNow().UtcDateTime).ShouldBeTrue();

        var fallback = await buyer.StartAsync(WithToken(PurchaseFor(Jane, "2.00"), token));

        fallback.Heading.ShouldBe("Pay with your saved card");
        fallback.Text.ShouldContain("locked");
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Active);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Amount == 2.00m))).ShouldBe(0);

        gateway.Clock.Advance(TimeSpan.FromHours(1));
        var instant = await buyer.StartAsync(WithToken(PurchaseFor(Jane, "2.00"), token));
        instant.Heading.ShouldBe("Payment approved");
        (await TokenStateAsync(token)).ShouldBe(OneClickTokenState.Used);
    }

    [Fact]
    public async Task Locked_card_unlocks_after_the_hour()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        for (var i = 0; i < CvcLimit; i++)
        {
            await PaySavedAsync(Jane, cvc: "000");
        }

        gateway.Clock.Advance(TimeSpan.FromHours(1));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(PurchaseFor(Jane));

        page.Document.QuerySelector("fieldset input[type=radio]")!.HasAttribute("disabled").ShouldBeFalse();
        page.Text.ShouldNotContain("locked");
        (await buyer.PaySavedAsync(page)).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Four_wrong_cvcs_then_the_right_one_do_not_lock_the_card()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        for (var i = 0; i < CvcLimit - 1; i++)
        {
            (await PaySavedAsync(Jane, cvc: "000")).Heading.ShouldBe("Payment declined");
        }

        (await PaySavedAsync(Jane, cvc: "123")).Heading.ShouldBe("Payment approved");

        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).LockedUntil.ShouldBeNull();
        var page = await Buyer.Of(gateway).StartAsync(PurchaseFor(Jane));
        page.Document.QuerySelector("fieldset input[type=radio]")!.HasAttribute("disabled").ShouldBeFalse();
        page.Text.ShouldNotContain("locked");
    }

    [Fact]
    public async Task Wrong_cvcs_older_than_an_hour_do_not_count_towards_the_lock()
    {
        await FirstPurchaseAsync(Buyer.Of(gateway), Jane);
        for (var i = 0; i < CvcLimit - 1; i++)
        {
            await PaySavedAsync(Jane, cvc: "000");
        }

        gateway.Clock.Advance(TimeSpan.FromMinutes(61));
        (await PaySavedAsync(Jane, cvc: "000")).Heading.ShouldBe("Payment declined");

        (await gateway.WithDbAsync(db => db.SavedCards.SingleAsync())).LockedUntil.ShouldBeNull();
    }

    private const string ThreeDSecureCard = "4000 0027 6000 3184";

    private static int CvcLimit => OneClick.Core.Wallets.CvcLock.MaxWrongCvcs;

    private static Dictionary<string, string> PurchaseFor(string customerNumber, string amount = "9.99", string currency = "EUR") =>
        Merchant.Purchase(amount, currency, customerNumber: customerNumber);

    private static Dictionary<string, string> WithToken(Dictionary<string, string> parameters, string token)
    {
        parameters["oneClickToken"] = token;
        return parameters;
    }

    private static List<string> SavedCards(Page page) =>
        page.Document.QuerySelectorAll("fieldset label").Select(l => l.TextContent.Trim()).ToList();

    /// <summary>Full entry with the remember box as the page has it (checked): the card is saved and a token issued.</summary>
    private static async Task<(long SaleId, string Token)> FirstPurchaseAsync(Buyer buyer, string customerNumber, string card = Buyer.Visa, string amount = "9.99", string currency = "EUR", bool newCard = false, bool threeDSecure = false)
    {
        var page = await buyer.StartAsync(PurchaseFor(customerNumber, amount, currency));
        if (newCard)
        {
            page = await buyer.UseNewCardAsync(page);
        }

        var result = await buyer.PayAsync(page, card);
        if (threeDSecure)
        {
            result = await buyer.SubmitAsync(result, "Complete authentication");
        }

        result.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(result.RefreshTarget!);
        return (long.Parse(ok["saleID"], CultureInfo.InvariantCulture), ok["oneClickToken"]);
    }

    /// <summary>A one-click payment on the order page, in a fresh browser: the saved card and its CVC.</summary>
    private Task<Page> PaySavedAsync(string customerNumber, string amount = "9.99", string currency = "EUR", string cvc = "123", string? card = null) =>
        PaySavedInAsync(Buyer.Of(gateway), customerNumber, amount, currency, cvc, card);

    private static async Task<Page> PaySavedInAsync(Buyer buyer, string customerNumber, string amount, string currency, string cvc, string? card)
    {
        var page = await buyer.StartAsync(PurchaseFor(customerNumber, amount, currency));
        page.Heading.ShouldBe("Pay with your saved card");
        return await buyer.PaySavedAsync(page, cvc, card);
    }

    private async Task<int> AddOneClickShopAsync(int shopId, string key)
    {
        await gateway.AddShopAsync(shopId, key, postbackUrl: null);
        await ConfigureShopAsync(shopId, shop => shop.SetOneClick(true));
        return shopId;
    }

    private Task<int> ConfigureShopAsync(int shopId, Action<Shop> change) => gateway.WithDbAsync(async db =>
    {
        change(await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == shopId));
        return await db.SaveChangesAsync();
    });

    /// <summary>Puts a shop into the customer union of another (an administrator's act).</summary>
    private Task<int> JoinUnionAsync(int shopId, int unionOfShopId) => gateway.WithDbAsync(async db =>
    {
        var union = (await db.Shops.Include(s => s.CustomerUnion).AsSingleQuery().SingleAsync(s => s.Id == unionOfShopId)).CustomerUnion!;
        (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == shopId)).JoinUnion(union);
        return await db.SaveChangesAsync();
    });

    private Task<int> UnionOfAsync(int shopId) =>
        gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync());

    private async Task DenyAsync(string customerNumber, int shopId = GatewayFactory.ShopId) =>
        (await CustomerSteps.SetStatusAsync(gateway, customerNumber, CustomerStatus.Deny, shopId)).ShouldBeOfType<SetCustomerStatusOutcome.Changed>();

    private async Task<Customer> CustomerAsync(string customerNumber, int shopId = GatewayFactory.ShopId)
    {
        var union = await UnionOfAsync(shopId);
        return await gateway.WithDbAsync(db => db.Customers.SingleAsync(c => c.CustomerUnionId == union && c.Number == customerNumber));
    }

    private Task<OneClickTokenState> TokenStateAsync(string token)
    {
        var hash = OneClick.Core.Cards.CardVault.HashToken(token);
        return gateway.WithDbAsync(db => db.OneClickTokens.Where(t => t.TokenHash == hash).Select(t => t.State).SingleAsync());
    }
}
