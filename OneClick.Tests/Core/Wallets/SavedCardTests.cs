using OneClick.Core.Cards;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

public sealed class SavedCardTests
{
    private static readonly DateTime T0 = CoreTestData.Now;

    [Fact]
    public void Usable_is_a_confirmed_card_that_is_not_deleted()
    {
        var usable = SavedCard.Usable.Compile();
        var paid = Card(paid: true);
        var neverPaid = Card(paid: false);
        var deleted = Card(paid: true);
        deleted.Delete(T0);

        usable(paid).ShouldBeTrue();
        usable(neverPaid).ShouldBeFalse();
        usable(deleted).ShouldBeFalse();
        paid.IsUsable.ShouldBeTrue();
        deleted.IsUsable.ShouldBeFalse();
    }

    [Fact]
    public void RefusalFor_is_null_for_a_paid_card_of_this_browser_at_this_shop()
    {
        Card(paid: true).RefusalFor(CoreTestData.NewOrder(), CoreTestData.NewShop(), "browser", instant: false).ShouldBeNull();
    }

    [Fact]
    public void RefusalFor_refuses_a_card_chosen_from_another_browser_but_not_an_instant_payment()
    {
        var card = Card(paid: true);

        card.RefusalFor(CoreTestData.NewOrder(), CoreTestData.NewShop(), "other", instant: false).ShouldBe("the card belongs to another browser");
        card.RefusalFor(CoreTestData.NewOrder(), CoreTestData.NewShop(), "other", instant: true).ShouldBeNull();
    }

    [Fact]
    public void RefusalFor_refuses_an_unconfirmed_card()
    {
        Card(paid: false).RefusalFor(CoreTestData.NewOrder(), CoreTestData.NewShop(), "browser", instant: true).ShouldBe("the card is deleted or unconfirmed");
    }

    [Fact]
    public void RefusalFor_refuses_a_card_below_the_shops_minimum_payments()
    {
        var shop = CoreTestData.NewShop();
        shop.SetSavedCardMinimumPayments(2);

        Card(paid: true).RefusalFor(CoreTestData.NewOrder(), shop, "browser", instant: false).ShouldBe("the card has not reached the shop's minimum payments");
    }

    [Fact]
    public void RefusalFor_refuses_the_card_of_another_customer()
    {
        var shop = CoreTestData.NewShop();
        var wallet = new Wallet(new Customer(shop.CustomerUnionId, "42", T0), T0);
        var card = Remember(wallet);
        card.PaymentSucceeded(T0);

        card.RefusalFor(CoreTestData.NewOrder(customerNumber: "43"), shop, null, instant: true).ShouldBe("the card belongs to another customer");
    }

    private static SavedCard Card(bool paid)
    {
        var card = Remember(new Wallet(CoreTestData.ShopId, "browser", T0));
        if (paid)
        {
            card.PaymentSucceeded(T0);
        }

        return card;
    }

    private static SavedCard Remember(Wallet wallet) =>
        wallet.Remember(CoreTestData.Card(), new CardExpiry(2030, 12), "Jane Doe", new EncryptedPan("k1", [1, 2, 3]), "fp-4242", T0);
}
