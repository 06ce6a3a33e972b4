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
