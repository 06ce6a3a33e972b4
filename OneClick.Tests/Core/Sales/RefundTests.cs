using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Sales;

public sealed class RefundTests
{
    private static readonly DateTime T0 = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Refund_in_part_keeps_the_sale_approved_and_in_full_makes_it_refunded()
    {
        var sale = ApprovedSale(10.00m);

        var first = sale.Refund(4.00m, "Partial", automatic: false, T0);
        sale.RefundCompleted(first, "r1", T0);
        sale.Result.ShouldBe(SaleResult.Approved);
        sale.RefundableAmount.ShouldBe(6.00m);
        var rest = sale.Refund(6.00m, "Rest", automatic: false, T0);
        sale.Result.ShouldBe(SaleResult.Approved); // booked, not yet confirmed by the acquirer
        sale.RefundableAmount.ShouldBe(0m);
        sale.RefundCompleted(rest, "r2", T0);

        sale.Result.ShouldBe(SaleResult.Refunded);
        sale.RefundedAmount.ShouldBe(10.00m);
        sale.RefundableAmount.ShouldBe(0m);
        first.State.ShouldBe(RefundState.Completed);
        first.Currency.ShouldBe("EUR");
    }

    [Theory]
    [InlineData("10.01")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("0.001")]
    public void Refund_above_what_is_left_or_malformed_is_refused(string amount)
    {
        var sale = ApprovedSale(10.00m);

        var ex = Should.Throw<Exception>(() => sale.Refund(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "x", false, T0));

        ex.ShouldBeAssignableTo<Exception>().ShouldSatisfyAllConditions(
            () => (ex is OrderStateException or ArgumentOutOfRangeException).ShouldBeTrue(),
            () => sale.RefundedAmount.ShouldBe(0m));
    }

    [Fact]
    public void Refund_of_a_declined_sale_is_refused()
    {
        var sale = NewSale(10m);
        sale.Decline("tx", DeclineReason.CardDeclined, T0);

        Should.Throw<OrderStateException>(() => sale.Refund(1m, "x", false, T0));
    }

    [Fact]
    public void RefundFailed_gives_the_amount_back_to_refund()
    {
        var sale = ApprovedSale(10.00m);
        var refund = sale.Refund(10.00m, "All", automatic: true, T0);

        sale.RefundFailed(refund, "Acquirer said no", T0);

        sale.Result.ShouldBe(SaleResult.Approved);
        sale.RefundableAmount.ShouldBe(10.00m);
        refund.State.ShouldBe(RefundState.Failed);
        refund.FailureReason.ShouldBe("Acquirer said no");
        Should.Throw<InvalidOperationException>(() => sale.RefundCompleted(refund, "r1", T0));
    }

    [Fact]
    public void Complete_records_the_acquirers_id_once()
    {
        var sale = ApprovedSale(5m);
        var refund = sale.Refund(5m, "All", automatic: false, T0);

        sale.RefundCompleted(refund, "sbx_r_1", T0);

        refund.State.ShouldBe(RefundState.Completed);
        refund.AcquirerRefundId.ShouldBe("sbx_r_1");
        Should.Throw<InvalidOperationException>(() => sale.RefundCompleted(refund, "sbx_r_2", T0));
    }

    [Fact]
    public void RefusalsOfRefund_above_what_is_left_says_how_much_is_left()
    {
        var sale = ApprovedSale(10.00m);
        sale.Refund(5.01m, "Part", automatic: false, T0);

        var refusal = sale.RefusalsOfRefund(5.00m, "Too much").ShouldHaveSingleItem();

        refusal.Field.ShouldBe(RefundField.Amount);
        refusal.Message.ShouldBe("5.00 EUR is more than what is left to refund on this sale: at most 4.99 EUR.");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.005")]
    public void RefusalsOfRefund_of_a_malformed_amount_asks_for_two_decimals(string amount)
    {
        var sale = ApprovedSale(10.00m);

        var refusal = sale.RefusalsOfRefund(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), "Customer asked").ShouldHaveSingleItem();

        refusal.Message.ShouldBe("Enter an amount above zero with at most two decimals.");
    }

    [Fact]
    public void RefusalsOfRefund_gives_one_refusal_per_field()
    {
        var sale = ApprovedSale(10.00m);

        var refusals = sale.RefusalsOfRefund(11.00m, "  ");

        refusals.Select(r => r.Field).ShouldBe([RefundField.Amount, RefundField.Reason]);
        refusals[1].Message.ShouldBe("Enter the reason for the refund.");
    }

    [Fact]
    public void RefusalOfReason_allows_200_characters_and_refuses_201()
    {
        Refund.RefusalOfReason(new string('r', 200)).ShouldBeNull();
        Refund.RefusalOfReason("  " + new string('r', 200) + "  ").ShouldBeNull();

        Refund.RefusalOfReason(new string('r', 201))!.Message.ShouldBe("The reason may be at most 200 characters; it has 201.");
    }

    [Fact]
    public void Refund_with_a_reason_over_200_characters_is_refused_and_books_nothing()
    {
        var sale = ApprovedSale(10.00m);

        Should.Throw<ArgumentException>(() => sale.Refund(1.00m, new string('r', 201), automatic: false, T0));

        sale.RefundedAmount.ShouldBe(0m);
    }

    [Fact]
    public void Refund_keeps_the_reason_trimmed()
    {
        var sale = ApprovedSale(10.00m);

        sale.Refund(1.00m, "  Damaged goods ", automatic: false, T0).Reason.ShouldBe("Damaged goods");
    }

    [Fact]
    public void RefundUnacknowledged_gives_back_all_that_is_left_automatically()
    {
        var sale = ApprovedSale(10.00m);
        sale.Refund(2.50m, "Part", automatic: false, T0);

        var refund = sale.RefundUnacknowledged(T0).ShouldNotBeNull();

        refund.Amount.ShouldBe(7.50m);
        refund.Automatic.ShouldBeTrue();
        refund.Reason.ShouldBe("The merchant did not acknowledge the sale's postback, so the sale was refunded automatically.");
        sale.RefundableAmount.ShouldBe(0m);
    }

    [Fact]
    public void RefundUnacknowledged_of_a_sale_with_nothing_left_books_nothing()
    {
        var sale = ApprovedSale(10.00m);
        sale.Refund(10.00m, "All", automatic: false, T0);

        sale.RefundUnacknowledged(T0).ShouldBeNull();
    }

    private static Sale ApprovedSale(decimal amount)
    {
        var sale = NewSale(amount);
        sale.Approve("tx", T0);
        return sale;
    }

    private static Sale NewSale(decimal amount)
    {
        var order = new Order(new StartOrderRequest("3.4", 1, new OneClick.Core.Money(amount, "EUR"), "Credits", null, null, null, null, null, null, null, null, null, null), T0);
        order.StartPayment(T0);
        return new Sale(order, CardNumber.Parse("4242424242424242").Number!, T0);
    }
}
