using OneClick.Core.Cards;
using OneClick.Core.Customers;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

public sealed class WalletTests
{
    private static readonly DateTime T0 = CoreTestData.Now;

    private static readonly CardExpiry Expiry = new(2030, 12);

    [Fact]
    public void Remember_the_same_number_again_renews_the_saved_card()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);
        var first = Remember(wallet, "4242424242424242", "fp-4242", Expiry);

        var again = Remember(wallet, "4242424242424242", "fp-4242", new CardExpiry(2033, 1));

        again.ShouldBeSameAs(first);
        wallet.Cards.Count.ShouldBe(1);
        first.Expiry.ShouldBe(new CardExpiry(2033, 1));
    }

    [Fact]
    public void Remember_a_reissued_card_with_a_new_number_adds_a_card()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);
        Remember(wallet, "4242424242424242", "fp-4242", Expiry);

        Remember(wallet, "5555555555554444", "fp-4444", Expiry);

        wallet.Cards.Count.ShouldBe(2);
    }

    [Fact]
    public void Offered_cards_are_confirmed_ones_with_the_minimum_payments()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);
        var once = Remember(wallet, "4242424242424242", "fp-4242", Expiry);
        var twice = Remember(wallet, "5555555555554444", "fp-4444", Expiry);
        Remember(wallet, "378282246310005", "fp-0005", Expiry); // never paid
        once.PaymentSucceeded(T0);
        twice.PaymentSucceeded(T0);
        twice.PaymentSucceeded(T0);

        wallet.OfferedCards(minimumPayments: 1).ShouldBe([once, twice], ignoreOrder: true);
        wallet.OfferedCards(minimumPayments: 2).ShouldBe([twice]);
    }

    [Fact]
    public void Customer_set_to_deny_is_offered_no_cards()
    {
        var customer = new Customer(3, "42", T0);
        var wallet = new Wallet(customer, T0);
        Remember(wallet, "4242424242424242", "fp-4242", Expiry).PaymentSucceeded(T0);

        customer.Deny(T0);

        wallet.OfferedCards(1).ShouldBeEmpty();
        wallet.UsableCards.Count().ShouldBe(1); // kept, only hidden: lifting the Deny brings it back
    }

    [Fact]
    public void Browser_wallet_serves_only_its_shop()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);

        wallet.ServesShop(CoreTestData.ShopId, customerUnionId: 1).ShouldBeTrue();
        wallet.ServesShop(CoreTestData.ShopId + 1, customerUnionId: 1).ShouldBeFalse();
    }

    [Fact]
    public void Customer_wallet_serves_every_shop_of_its_union()
    {
        var wallet = new Wallet(new Customer(3, "42", T0), T0);

        wallet.ServesShop(1, customerUnionId: 3).ShouldBeTrue();
        wallet.ServesShop(2, customerUnionId: 3).ShouldBeTrue();
        wallet.ServesShop(1, customerUnionId: 4).ShouldBeFalse();
    }

    [Fact]
    public void Declined_payment_unconfirms_a_card_that_paid_before()
    {
        var card = PaidCard();

        card.PaymentDeclined(T0, reason: DeclineReason.CardDeclined);

        card.Confirmed.ShouldBeFalse();
        card.DeletedAt.ShouldBeNull();
    }

    [Fact]
    public void Wrong_cvc_keeps_a_card_that_paid_before_confirmed()
    {
        var card = PaidCard();

        card.PaymentDeclined(T0, reason: DeclineReason.IncorrectCvc);

        card.Confirmed.ShouldBeTrue();
    }

    [Fact]
    public void Declined_first_payment_forgets_the_card()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);
        var card = Remember(wallet, "4242424242424242", "fp-4242", Expiry);

        card.PaymentDeclined(T0, reason: DeclineReason.IncorrectCvc);

        card.DeletedAt.ShouldBe(T0);
        wallet.HasSavedCards.ShouldBeFalse();
    }

    [Fact]
    public void Locked_card_is_locked_until_the_time_and_not_after()
    {
        var card = PaidCard();

        card.LockForOneClick(T0.AddHours(1));

        card.IsLocked(T0.AddMinutes(59)).ShouldBeTrue();
        card.IsLocked(T0.AddHours(1)).ShouldBeFalse();
    }

    [Fact]
    public void Lock_never_shortens_a_longer_lock()
    {
        var card = PaidCard();
        card.LockForOneClick(T0.AddHours(2));

        card.LockForOneClick(T0.AddHours(1));

        card.LockedUntil.ShouldBe(T0.AddHours(2));
    }

    [Fact]
    public void ForgetCard_of_the_last_usable_card_makes_the_member_new_again()
    {
        var (customer, wallet) = MemberWithCards(1);
        var card = wallet.Cards.Single();

        wallet.ForgetCard(card, T0.AddDays(1));

        card.DeletedAt.ShouldBe(new DateTime(2025, 6, 16, 12, 0, 0, DateTimeKind.Utc));
        card.EncryptedPan.ShouldBeEmpty();
        customer.Status.ShouldBe(CustomerStatus.New);
        customer.StatusChangedAt.ShouldBe(new DateTime(2025, 6, 16, 12, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void ForgetCard_with_another_usable_card_left_keeps_the_member()
    {
        var (customer, wallet) = MemberWithCards(2);

        wallet.ForgetCard(wallet.Cards.First(), T0.AddDays(1));

        wallet.UsableCards.Count().ShouldBe(1);
        customer.Status.ShouldBe(CustomerStatus.Member);
        customer.StatusChangedAt.ShouldBe(T0);
    }

    [Fact]
    public void ForgetCard_leaving_only_an_unconfirmed_card_makes_the_member_new_again()
    {
        var (customer, wallet) = MemberWithCards(2);
        wallet.Cards.Last().PaymentDeclined(T0, reason: DeclineReason.CardDeclined);

        wallet.ForgetCard(wallet.Cards.First(), T0.AddDays(1));

        wallet.Cards.Count(c => c.DeletedAt is null).ShouldBe(1);
        customer.Status.ShouldBe(CustomerStatus.New);
    }

    [Fact]
    public void ForgetCard_of_a_denied_customers_last_card_keeps_the_deny()
    {
        var (customer, wallet) = MemberWithCards(1);
        customer.Deny(T0);

        wallet.ForgetCard(wallet.Cards.Single(), T0.AddDays(1));

        customer.Status.ShouldBe(CustomerStatus.Deny);
        customer.StatusChangedAt.ShouldBe(T0);
    }

    [Fact]
    public void ForgetCard_in_a_browser_wallet_deletes_the_card_only()
    {
        var wallet = new Wallet(CoreTestData.ShopId, "browser", T0);
        var card = Remember(wallet, "4242424242424242", "fp-4242", Expiry);
        card.PaymentSucceeded(T0);

        wallet.ForgetCard(card, T0.AddDays(1));

        card.DeletedAt.ShouldBe(new DateTime(2025, 6, 16, 12, 0, 0, DateTimeKind.Utc));
        wallet.HasSavedCards.ShouldBeFalse();
    }

    [Fact]
    public void ForgetCard_of_another_wallets_card_is_refused_and_deletes_nothing()
    {
        var (customer, wallet) = MemberWithCards(1);
        var stranger = PaidCard();

        Should.Throw<InvalidOperationException>(() => wallet.ForgetCard(stranger, T0.AddDays(1)));

        stranger.DeletedAt.ShouldBeNull();
        customer.Status.ShouldBe(CustomerStatus.Member);
    }

    [Fact]
    public void CustomerFollowsCards_after_the_last_card_is_set_back_by_a_decline_makes_the_member_new()
    {
        var (customer, wallet) = MemberWithCards(1);
        wallet.Cards.Single().PaymentDeclined(T0.AddHours(3), reason: DeclineReason.CardDeclined);

        wallet.CustomerFollowsCards(T0.AddHours(3));

        customer.Status.ShouldBe(CustomerStatus.New);
        customer.StatusChangedAt.ShouldBe(new DateTime(2025, 6, 15, 15, 0, 0, DateTimeKind.Utc));
    }

    /// <summary>A Member whose wallet holds this many cards, each confirmed by a payment.</summary>
    private static (Customer Customer, Wallet Wallet) MemberWithCards(int count)
    {
        var customer = new Customer(3, "42", T0);
        var wallet = new Wallet(customer, T0);
        string[] numbers = ["4242424242424242", "5555555555554444", "378282246310005"];
        foreach (var number in numbers.Take(count))
        {
            Remember(wallet, number, "fp-" + number[^4..], Expiry).PaymentSucceeded(T0);
            customer.CardSaved(T0);
        }

        return (customer, wallet);
    }

    private static SavedCard PaidCard()
    {
        var card = Remember(new Wallet(CoreTestData.ShopId, "browser", T0), "4242424242424242", "fp-4242", Expiry);
        card.PaymentSucceeded(T0);
        return card;
    }

    private static SavedCard Remember(Wallet wallet, string number, string fingerprint, CardExpiry expiry) =>
        wallet.Remember(CardNumber.Parse(number).Number!, expiry, "Jane Doe", new EncryptedPan("k1", [1, 2, 3]), fingerprint, T0);
}
