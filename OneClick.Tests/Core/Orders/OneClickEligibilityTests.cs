using OneClick.Core.Orders;

namespace OneClick.Tests.Core.Orders;

/// <summary><see cref="Order.MayUseOneClickAt"/>: the one place that says whether an order may use One Click.</summary>
public sealed class OneClickEligibilityTests
{
    [Fact]
    public void MayUseOneClickAt_a_shop_with_one_click_for_a_startorder_paid_by_card()
    {
        var shop = CoreTestData.NewShop();
        shop.SetOneClick(true);

        CoreTestData.NewOrder().MayUseOneClickAt(shop).ShouldBeTrue();
    }

    [Fact]
    public void MayUseOneClickAt_a_shop_without_one_click_is_false()
    {
        var shop = CoreTestData.NewShop();
        shop.SetOneClick(false);

        CoreTestData.NewOrder().MayUseOneClickAt(shop).ShouldBeFalse();
    }

    [Fact]
    public void MayUseOneClickAt_for_another_payment_method_is_false()
    {
        var shop = CoreTestData.NewShop();
        shop.SetOneClick(true);
        var order = new Order(CoreTestData.NewRequest(paymentMethod: PaymentMethod.DDEU), CoreTestData.Now);

        order.MayUseOneClickAt(shop).ShouldBeFalse();
    }

    [Fact]
    public void MayUseOneClickAt_for_an_order_of_the_json_api_is_false()
    {
        var shop = CoreTestData.NewShop();
        shop.SetOneClick(true);

        CoreTestData.NewApiOrder().MayUseOneClickAt(shop).ShouldBeFalse();
    }
}
