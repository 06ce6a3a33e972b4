using OneClick.Core.Customers;

namespace OneClick.Tests.Core.Customers;

public sealed class CustomerTests
{
    private static readonly DateTime T0 = CoreTestData.Now;

    [Theory]
    [InlineData("42\n")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void IsValidNumber_of_a_malformed_number_is_false(string number) =>
        Customer.IsValidNumber(number).ShouldBeFalse();

    [Theory]
    [InlineData("42")]
    [InlineData("user.name_1-A")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void New_customer_with_valid_number_is_New(string number)
    {
        var customer = new Customer(7, number, T0);

        customer.Status.ShouldBe(CustomerStatus.New);
        customer.Number.ShouldBe(number);
        customer.CustomerUnionId.ShouldBe(7);
        customer.MayUseOneClick.ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("ümlaut")]
    [InlineData("a/b")]
    public void New_customer_with_invalid_number_is_refused(string number) =>
        Should.Throw<ArgumentException>(() => new Customer(7, number, T0));

    [Fact]
    public void CardSaved_makes_a_new_customer_a_member()
    {
        var customer = new Customer(7, "42", T0);

        customer.CardSaved(T0.AddMinutes(1));

        customer.Status.ShouldBe(CustomerStatus.Member);
        customer.StatusChangedAt.ShouldBe(T0.AddMinutes(1));
    }

    [Fact]
    public void CardsGone_makes_a_member_new_again()
    {
        var customer = new Customer(7, "42", T0);
        customer.CardSaved(T0);

        customer.CardsGone(T0);

        customer.Status.ShouldBe(CustomerStatus.New);
    }

    [Fact]
    public void Deny_stays_through_saved_and_gone_cards()
    {
        var customer = new Customer(7, "42", T0);
        customer.Deny(T0);

        customer.CardSaved(T0);
        customer.CardsGone(T0);

        customer.Status.ShouldBe(CustomerStatus.Deny);
        customer.MayUseOneClick.ShouldBeFalse();
    }

    [Theory]
    [InlineData(true, CustomerStatus.Member)]
    [InlineData(false, CustomerStatus.New)]
    public void Allow_after_deny_is_member_with_cards_else_new(bool hasCards, CustomerStatus expected)
    {
        var customer = new Customer(7, "42", T0);
        customer.Deny(T0);

        customer.Allow(hasCards, T0);

        customer.Status.ShouldBe(expected);
    }

    [Fact]
    public void Allow_changes_nothing_for_a_customer_not_denied()
    {
        var customer = new Customer(7, "42", T0);
        customer.CardSaved(T0);

        customer.Allow(hasSavedCards: false, T0.AddDays(1)).ShouldBeFalse();

        customer.Status.ShouldBe(CustomerStatus.Member);
        customer.StatusChangedAt.ShouldBe(T0);
    }

    [Fact]
    public void Allow_of_a_denied_customer_is_accepted_and_dated()
    {
        var customer = new Customer(7, "42", T0);
        customer.Deny(T0);

        customer.Allow(hasSavedCards: true, T0.AddDays(2)).ShouldBeTrue();

        customer.StatusChangedAt.ShouldBe(new DateTime(2025, 6, 17, 12, 0, 0, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData(CustomerStatus.New)]
    [InlineData(CustomerStatus.Member)]
    public void Deny_of_a_customer_not_denied_is_accepted_and_dated(CustomerStatus before)
    {
        var customer = new Customer(7, "42", T0);
        if (before == CustomerStatus.Member)
        {
            customer.CardSaved(T0);
        }

        customer.Deny(T0.AddMinutes(5)).ShouldBeTrue();

        customer.Status.ShouldBe(CustomerStatus.Deny);
        customer.StatusChangedAt.ShouldBe(new DateTime(2025, 6, 15, 12, 5, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Deny_of_a_denied_customer_is_refused_and_keeps_the_time_of_the_first()
    {
        var customer = new Customer(7, "42", T0);
        customer.Deny(T0);

        customer.Deny(T0.AddHours(1)).ShouldBeFalse();

        customer.Status.ShouldBe(CustomerStatus.Deny);
        customer.StatusChangedAt.ShouldBe(T0);
    }
}
