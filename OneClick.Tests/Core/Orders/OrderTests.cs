using System.Text.RegularExpressions;
using OneClick.Core;
using OneClick.Core.Orders;

namespace OneClick.Tests.Core.Orders;

public partial class OrderTests
{
    private static readonly DateTime Later = CoreTestData.Now.AddMinutes(1);

    /// <summary>An order brought into <paramref name="state"/> through its own methods.</summary>
    private static Order OrderIn(OrderState state)
    {
        var now = CoreTestData.Now;
        var order = state is OrderState.Expired or OrderState.Cancelled
            ? CoreTestData.NewApiOrder(expiresAt: now.AddHours(1))
            : CoreTestData.NewOrder();
        switch (state)
        {
            case OrderState.Expired:
                order.Expire(now.AddHours(1));
                break;
            case OrderState.Cancelled:
                order.Cancel(now);
                break;
            case OrderState.Open:
                break;
            case OrderState.Processing:
                order.StartPayment(now);
                break;
            case OrderState.AwaitingAuthentication:
                order.StartPayment(now);
                order.RequireAuthentication(now);
                break;
            case OrderState.Approved:
                order.StartPayment(now);
                order.Approve(now);
                break;
            case OrderState.Declined:
                order.StartPayment(now);
                order.Decline(closeOrder: true, now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state));
        }

        order.State.ShouldBe(state);
        return order;
    }

    private static void ShouldRefuse(Order order, Action<Order> move)
    {
        var state = order.State;
        var stamp = order.ConcurrencyStamp;
        var updated = order.UpdatedAt;

        var ex = Should.Throw<OrderStateException>(() => move(order));

        ex.Message.ShouldNotBeNullOrWhiteSpace();
        order.State.ShouldBe(state);
        order.ConcurrencyStamp.ShouldBe(stamp);
        order.UpdatedAt.ShouldBe(updated);
    }

    [Fact]
    public void New_order_copies_the_request_and_is_open()
    {
        var request = new StartOrderRequest(
            "3.4", 64233, new Money(12.5m, "EUR"), "A thing", PaymentMethod.CC, "ref-1", "c1", "c2", "c3",
            new Uri("https://shop.example/ok"), new Uri("https://shop.example/no"), "buyer@example.com", "cust-1", "tok");

        var order = new Order(request, CoreTestData.Now);

        order.ShopId.ShouldBe(64233);
        order.Version.ShouldBe("3.4");
        order.Amount.ShouldBe(12.5m);
        order.Currency.ShouldBe("EUR");
        order.Price.ShouldBe(new Money(12.5m, "EUR"));
        order.Description.ShouldBe("A thing");
        order.PaymentMethod.ShouldBe(PaymentMethod.CC);
        order.ReferenceId.ShouldBe("ref-1");
        order.Custom1.ShouldBe("c1");
        order.Custom2.ShouldBe("c2");
        order.Custom3.ShouldBe("c3");
        order.BackUrl.ShouldBe("https://shop.example/ok");
        order.DeclineUrl.ShouldBe("https://shop.example/no");
        order.Email.ShouldBe("buyer@example.com");
        order.CustomerNumber.ShouldBe("cust-1");
        order.State.ShouldBe(OrderState.Open);
        order.CurrentSaleId.ShouldBeNull();
        order.ConcurrencyStamp.ShouldBe(0);
        order.CreatedAt.ShouldBe(CoreTestData.Now);
        order.UpdatedAt.ShouldBe(CoreTestData.Now);
    }

    [Fact]
    public void New_order_without_payment_method_is_cc()
    {
        CoreTestData.NewOrder().PaymentMethod.ShouldBe(PaymentMethod.CC);
    }

    [Fact]
    public void Id_is_22_url_safe_characters()
    {
        var order = CoreTestData.NewOrder();

        order.Id.Length.ShouldBe(22);
        UrlSafe().IsMatch(order.Id).ShouldBeTrue(order.Id);
    }

    [Fact]
    public void Id_differs_between_orders()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => CoreTestData.NewOrder().Id).ToList();

        ids.ShouldAllBe(id => id.Length == 22 && UrlSafe().IsMatch(id));
        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
    }

    [Fact]
    public void StartPayment_from_open_moves_to_processing()
    {
        var order = CoreTestData.NewOrder();

        order.StartPayment(Later);

        order.State.ShouldBe(OrderState.Processing);
        order.UpdatedAt.ShouldBe(Later);
        order.ConcurrencyStamp.ShouldBe(1);
    }

    [Theory]
    [InlineData(OrderState.Processing)]
    [InlineData(OrderState.AwaitingAuthentication)]
    [InlineData(OrderState.Approved)]
    [InlineData(OrderState.Declined)]
    public void StartPayment_from_other_state_throws(OrderState state)
    {
        ShouldRefuse(OrderIn(state), o => o.StartPayment(Later));
    }

    [Fact]
    public void RequireAuthentication_from_processing_moves_to_awaiting_authentication()
    {
        var order = OrderIn(OrderState.Processing);

        order.RequireAuthentication(Later);

        order.State.ShouldBe(OrderState.AwaitingAuthentication);
        order.UpdatedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(OrderState.Open)]
    [InlineData(OrderState.AwaitingAuthentication)]
    [InlineData(OrderState.Approved)]
    [InlineData(OrderState.Declined)]
    public void RequireAuthentication_from_other_state_throws(OrderState state)
    {
        ShouldRefuse(OrderIn(state), o => o.RequireAuthentication(Later));
    }

    [Theory]
    [InlineData(OrderState.Processing)]
    [InlineData(OrderState.AwaitingAuthentication)]
    public void Approve_from_payment_in_progress_closes_as_approved(OrderState state)
    {
        var order = OrderIn(state);

        order.Approve(Later);

        order.State.ShouldBe(OrderState.Approved);
        order.UpdatedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(OrderState.Open)]
    [InlineData(OrderState.Approved)]
    [InlineData(OrderState.Declined)]
    public void Approve_from_other_state_throws(OrderState state)
    {
        ShouldRefuse(OrderIn(state), o => o.Approve(Later));
    }

    [Theory]
    [InlineData(OrderState.Processing)]
    [InlineData(OrderState.AwaitingAuthentication)]
    public void Decline_with_close_order_closes_as_declined(OrderState state)
    {
        var order = OrderIn(state);

        order.Decline(closeOrder: true, Later);

        order.State.ShouldBe(OrderState.Declined);
        order.UpdatedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(OrderState.Processing)]
    [InlineData(OrderState.AwaitingAuthentication)]
    public void Decline_without_close_order_reopens(OrderState state)
    {
        var order = OrderIn(state);

        order.Decline(closeOrder: false, Later);

        order.State.ShouldBe(OrderState.Open);
        order.UpdatedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(OrderState.Open, false)]
    [InlineData(OrderState.Open, true)]
    [InlineData(OrderState.Approved, false)]
    [InlineData(OrderState.Approved, true)]
    [InlineData(OrderState.Declined, false)]
    [InlineData(OrderState.Declined, true)]
    public void Decline_from_other_state_throws(OrderState state, bool closeOrder)
    {
        ShouldRefuse(OrderIn(state), o => o.Decline(closeOrder, Later));
    }

    [Theory]
    [InlineData(OrderState.Processing)]
    [InlineData(OrderState.AwaitingAuthentication)]
    public void Reopen_from_payment_in_progress_opens(OrderState state)
    {
        var order = OrderIn(state);

        order.Reopen(Later);

        order.State.ShouldBe(OrderState.Open);
        order.UpdatedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(OrderState.Open)]
    [InlineData(OrderState.Approved)]
    [InlineData(OrderState.Declined)]
    public void Reopen_from_other_state_throws(OrderState state)
    {
        ShouldRefuse(OrderIn(state), o => o.Reopen(Later));
    }

    [Fact]
    public void ConcurrencyStamp_increments_on_each_move()
    {
        var order = CoreTestData.NewOrder();
        var stamps = new List<int> { order.ConcurrencyStamp };

        order.StartPayment(Later);
        stamps.Add(order.ConcurrencyStamp);
        order.Decline(closeOrder: false, Later);
        stamps.Add(order.ConcurrencyStamp);
        order.StartPayment(Later);
        stamps.Add(order.ConcurrencyStamp);
        order.RequireAuthentication(Later);
        stamps.Add(order.ConcurrencyStamp);
        order.Reopen(Later);
        stamps.Add(order.ConcurrencyStamp);
        order.StartPayment(Later);
        stamps.Add(order.ConcurrencyStamp);
        order.Approve(Later);
        stamps.Add(order.ConcurrencyStamp);

        stamps.ShouldBe([0, 1, 2, 3, 4, 5, 6, 7]);
    }

    [Fact]
    public void StartPayment_twice_throws_so_an_order_is_charged_once()
    {
        var order = CoreTestData.NewOrder();
        order.StartPayment(Later);

        ShouldRefuse(order, o => o.StartPayment(Later));
    }

    [Fact]
    public void AttachSale_while_processing_sets_current_sale()
    {
        var order = OrderIn(OrderState.Processing);
        var sale = CoreTestData.NewSale(order).WithId(7);

        order.AttachSale(sale);

        order.CurrentSaleId.ShouldBe(7);
    }

    [Theory]
    [InlineData(OrderState.Open)]
    [InlineData(OrderState.AwaitingAuthentication)]
    [InlineData(OrderState.Approved)]
    [InlineData(OrderState.Declined)]
    public void AttachSale_outside_processing_throws(OrderState state)
    {
        var order = OrderIn(state);
        var sale = CoreTestData.NewSale(order).WithId(7);

        Should.Throw<OrderStateException>(() => order.AttachSale(sale));
        order.CurrentSaleId.ShouldBeNull();
    }

    [Fact]
    public void OrderStateException_is_an_invalid_operation()
    {
        new OrderStateException("x").ShouldBeAssignableTo<InvalidOperationException>();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{22}$")]
    private static partial Regex UrlSafe();
}
