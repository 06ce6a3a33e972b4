using OneClick.Core.Shops;

namespace OneClick.Tests.Core.Shops;

/// <summary>The One Click status from its two stored columns, as lists read it without loading the shop.</summary>
public sealed class ShopOneClickStatusTests
{
    [Theory]
    [InlineData(false, OneClickRequest.None, OneClickStatus.NotRequested)]
    [InlineData(false, OneClickRequest.Requested, OneClickStatus.Requested)]
    [InlineData(false, OneClickRequest.Refused, OneClickStatus.Refused)]
    [InlineData(false, OneClickRequest.Approved, OneClickStatus.NotRequested)]
    [InlineData(true, OneClickRequest.None, OneClickStatus.On)]
    [InlineData(true, OneClickRequest.Requested, OneClickStatus.On)]
    [InlineData(true, OneClickRequest.Refused, OneClickStatus.On)]
    public void StatusOf_is_On_whenever_enabled_else_where_the_request_stands(bool enabled, OneClickRequest request, OneClickStatus status) =>
        Shop.StatusOf(enabled, request).ShouldBe(status);

    [Fact]
    public void StatusOf_agrees_with_the_shops_status_through_request_and_refusal()
    {
        var shop = CoreTestData.NewShop();

        shop.RequestOneClick();
        Shop.StatusOf(shop.OneClickEnabled, shop.OneClickRequest).ShouldBe(shop.OneClickStatus);
        shop.RefuseOneClick();
        Shop.StatusOf(shop.OneClickEnabled, shop.OneClickRequest).ShouldBe(OneClickStatus.Refused);
        shop.RequestOneClick();
        shop.ApproveOneClick();
        Shop.StatusOf(shop.OneClickEnabled, shop.OneClickRequest).ShouldBe(OneClickStatus.On);
    }
}
