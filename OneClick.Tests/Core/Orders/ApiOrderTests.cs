using OneClick.Core;
using OneClick.Core.Orders;

namespace OneClick.Tests.Core.Orders;

/// <summary>An order of the JSON API: hosted page or pay-by-link, with its expiry, its cancel and its contract.</summary>
public class ApiOrderTests
{
    private static readonly DateTime Now = CoreTestData.Now;

    private static readonly DateTime ExpiresAt = Now.AddHours(1);

    private static void ShouldRefuse(Order order, Action<Order> move)
    {
        var (state, stamp, updated) = (order.State, order.ConcurrencyStamp, order.UpdatedAt);

        Should.Throw<OrderStateException>(() => move(order)).Message.ShouldNotBeNullOrWhiteSpace();

        (order.State, order.ConcurrencyStamp, order.UpdatedAt).ShouldBe((state, stamp, updated));
    }

    [Fact]
    public void New_api_order_copies_the_request_and_is_open()
    {
        var request = new ApiOrderRequest(
            OrderChannel.PayByLink, CoreTestData.ShopId, "order-1", new Money(12.5m, "EUR"), "cust-1", "100 credits",
            new Uri("https://merchant.example/result"), new Uri("https://merchant.example/cancel"), new Uri("https://merchant.example/notify"),
            RecurrenceAction.ContractCreation, "contract-1", ExpiresAt);

        var order = new Order(request, Now);

        order.State.ShouldBe(OrderState.Open);
        order.Channel.ShouldBe(OrderChannel.PayByLink);
        order.ShopId.ShouldBe(CoreTestData.ShopId);
        order.ReferenceId.ShouldBe("order-1");
        order.Price.ShouldBe(new Money(12.5m, "EUR"));
        order.CustomerNumber.ShouldBe("cust-1");
        order.Description.ShouldBe("100 credits");
        order.PaymentMethod.ShouldBe(PaymentMethod.CC);
        order.BackUrl.ShouldBe("https://merchant.example/result");
        order.DeclineUrl.ShouldBe("https://merchant.example/cancel");
        order.NotificationUrl.ShouldBe("https://merchant.example/notify");
        order.Recurrence.ShouldBe(RecurrenceAction.ContractCreation);
        order.ContractId.ShouldBe("contract-1");
        order.ExpiresAt.ShouldBe(ExpiresAt);
        (order.CreatedAt, order.UpdatedAt).ShouldBe((Now, Now));
    }

    [Fact]
    public void New_api_order_has_a_security_token_of_its_own()
    {
        var first = CoreTestData.NewApiOrder();
        var second = CoreTestData.NewApiOrder();

        first.SecurityToken.ShouldNotBeNull().ShouldMatch("^[A-Za-z0-9_-]{22}$");
        second.SecurityToken.ShouldNotBe(first.SecurityToken);
        first.SecurityToken.ShouldNotBe(first.Id);
    }

    [Fact]
    public void New_startorder_order_has_no_api_fields()
    {
        var order = CoreTestData.NewOrder();

        order.Channel.ShouldBe(OrderChannel.StartOrder);
        (order.SecurityToken, order.Recurrence, order.ContractId, order.ExpiresAt).ShouldBe((null, (RecurrenceAction?)null, null, (DateTime?)null));
        order.RequiresAuthentication.ShouldBeFalse();
    }

    [Theory]
    [InlineData(RecurrenceAction.NoRecurring, false)]
    [InlineData(RecurrenceAction.ContractCreation, true)]
    [InlineData(RecurrenceAction.SubsequentPayment, true)]
    public void RequiresAuthentication_for_both_contract_actions(RecurrenceAction action, bool required)
    {
        CoreTestData.NewApiOrder(action, action == RecurrenceAction.NoRecurring ? null : "contract-1").RequiresAuthentication.ShouldBe(required);
    }

    // ---- expiry ----

    [Fact]
    public void Hosted_page_order_never_expires()
    {
        var order = CoreTestData.NewApiOrder();

        order.IsExpired(Now.AddYears(10)).ShouldBeFalse();
        order.IsPayable(Now.AddYears(10)).ShouldBeTrue();
        ShouldRefuse(order, o => o.Expire(Now.AddYears(10)));
    }

    [Fact]
    public void IsExpired_from_the_expiry_time_on()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);

        order.IsExpired(ExpiresAt.AddTicks(-1)).ShouldBeFalse();
        order.IsPayable(ExpiresAt.AddTicks(-1)).ShouldBeTrue();
        order.IsExpired(ExpiresAt).ShouldBeTrue();
        order.IsPayable(ExpiresAt).ShouldBeFalse();
    }

    [Fact]
    public void Expire_open_link_past_its_time_closes_it()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);
        var stamp = order.ConcurrencyStamp;

        order.Expire(ExpiresAt);

        order.State.ShouldBe(OrderState.Expired);
        order.UpdatedAt.ShouldBe(ExpiresAt);
        order.ConcurrencyStamp.ShouldBe(stamp + 1);
    }

    [Fact]
    public void StateAt_open_link_past_its_time_reads_expired_before_the_job_closes_it()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);

        order.StateAt(ExpiresAt.AddTicks(-1)).ShouldBe(OrderState.Open);
        order.StateAt(ExpiresAt).ShouldBe(OrderState.Expired);
        order.State.ShouldBe(OrderState.Open);
        order.StartPayment(Now);
        order.StateAt(ExpiresAt).ShouldBe(OrderState.Processing, "a payment under way finishes");
    }

    /// <summary>The job's SQL predicate and <see cref="Order.Expire"/> accept exactly the same orders.</summary>
    [Fact]
    public void ExpirableAt_accepts_exactly_the_orders_Expire_accepts()
    {
        var orders = new List<Order>
        {
            CoreTestData.NewApiOrder(expiresAt: ExpiresAt),
            CoreTestData.NewApiOrder(expiresAt: ExpiresAt.AddHours(1)),
            CoreTestData.NewApiOrder(),
            CoreTestData.NewOrder(),
        };
        var underWay = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);
        underWay.StartPayment(Now);
        orders.Add(underWay);
        var expirable = Order.ExpirableAt(ExpiresAt).Compile();

        foreach (var order in orders)
        {
            var selected = expirable(order);
            var accepted = true;
            try
            {
                order.Expire(ExpiresAt);
            }
            catch (OrderStateException)
            {
                accepted = false;
            }

            selected.ShouldBe(accepted);
        }

        orders.Count(o => o.State == OrderState.Expired).ShouldBe(1);
    }

    [Fact]
    public void Expire_before_the_expiry_time_is_refused()
    {
        ShouldRefuse(CoreTestData.NewApiOrder(expiresAt: ExpiresAt), o => o.Expire(ExpiresAt.AddSeconds(-1)));
    }

    [Fact]
    public void Expire_link_whose_payment_is_under_way_is_refused()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);
        order.StartPayment(Now);

        ShouldRefuse(order, o => o.Expire(ExpiresAt));
    }

    [Fact]
    public void Expire_paid_link_is_refused()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);
        order.StartPayment(Now);
        order.Approve(Now);

        ShouldRefuse(order, o => o.Expire(ExpiresAt.AddDays(1)));
        order.State.ShouldBe(OrderState.Approved);
    }

    [Fact]
    public void StartPayment_on_an_expired_link_is_refused()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);

        ShouldRefuse(order, o => o.StartPayment(ExpiresAt));
        order.State.ShouldBe(OrderState.Open);
    }

    [Fact]
    public void StartPayment_on_a_link_before_its_expiry_starts_it()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);

        order.StartPayment(ExpiresAt.AddSeconds(-1));

        order.State.ShouldBe(OrderState.Processing);
    }

    // ---- cancel ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancel_open_api_order_closes_it(bool payByLink)
    {
        var order = CoreTestData.NewApiOrder(expiresAt: payByLink ? ExpiresAt : null);

        order.Cancel(Now.AddMinutes(1));

        order.State.ShouldBe(OrderState.Cancelled);
        order.UpdatedAt.ShouldBe(Now.AddMinutes(1));
    }

    [Fact]
    public void Cancel_startorder_order_is_refused()
    {
        ShouldRefuse(CoreTestData.NewOrder(), o => o.Cancel(Now));
    }

    [Fact]
    public void Cancel_api_order_whose_payment_is_under_way_is_refused()
    {
        var order = CoreTestData.NewApiOrder();
        order.StartPayment(Now);

        ShouldRefuse(order, o => o.Cancel(Now));
    }

    [Fact]
    public void Cancel_api_order_waiting_for_3ds_is_refused()
    {
        var order = CoreTestData.NewApiOrder(RecurrenceAction.ContractCreation, "contract-1");
        order.StartPayment(Now);
        order.RequireAuthentication(Now);

        ShouldRefuse(order, o => o.Cancel(Now));
    }

    [Fact]
    public void Cancel_paid_api_order_is_refused()
    {
        var order = CoreTestData.NewApiOrder();
        order.StartPayment(Now);
        order.Approve(Now);

        ShouldRefuse(order, o => o.Cancel(Now));
    }

    [Fact]
    public void Cancel_twice_is_refused()
    {
        var order = CoreTestData.NewApiOrder();
        order.Cancel(Now);

        ShouldRefuse(order, o => o.Cancel(Now));
    }

    [Fact]
    public void Cancelled_order_can_start_no_payment()
    {
        var order = CoreTestData.NewApiOrder();
        order.Cancel(Now);

        ShouldRefuse(order, o => o.StartPayment(Now));
    }

    [Fact]
    public void Expired_order_can_be_neither_cancelled_nor_paid()
    {
        var order = CoreTestData.NewApiOrder(expiresAt: ExpiresAt);
        order.Expire(ExpiresAt);

        ShouldRefuse(order, o => o.Cancel(ExpiresAt));
        ShouldRefuse(order, o => o.StartPayment(ExpiresAt));
    }
}
