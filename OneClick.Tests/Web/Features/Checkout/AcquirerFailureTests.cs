using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Core.Acquiring;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

public sealed class AcquirerFailureTests
{
    [Fact]
    public async Task Pay_when_the_acquirer_throws_reopens_the_order_and_charges_nothing()
    {
        using var gateway = new GatewayFactory().WithServices(s => s.Replace(ServiceDescriptor.Singleton<IAcquirer, ThrowingAcquirer>()));
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var result = await buyer.PayAsync(orderPage);

        result.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("Nothing was charged");
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == orderPage.OrderId))).State.ShouldBe(OrderState.Open);
        (await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.OrderId == orderPage.OrderId))).Result.ShouldBe(SaleResult.Error);
        gateway.Logs.All.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Order_page_stops_refreshing_when_a_payment_has_hung_for_minutes()
    {
        using var gateway = new GatewayFactory();
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        await gateway.WithDbAsync(async db =>
        {
            var order = await db.Orders.SingleAsync(o => o.Id == orderPage.OrderId);
            order.StartPayment(gateway.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });

        var fresh = await buyer.GetAsync(orderPage.Url);
        gateway.Clock.Advance(TimeSpan.FromMinutes(3));
        var hung = await buyer.GetAsync(orderPage.Url);

        fresh.RefreshTarget.ShouldBeNull();
        fresh.Document.QuerySelector("meta[http-equiv=refresh]").ShouldNotBeNull();
        hung.Document.QuerySelector("meta[http-equiv=refresh]").ShouldBeNull();
        hung.Text.ShouldContain("Please do not pay again");
        hung.Text.ShouldContain(orderPage.OrderId);
    }

    private sealed class ThrowingAcquirer : IAcquirer
    {
        public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("card " + request.Card.Digits + " broke the acquirer");

        public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("broken");

        public Task<RefundResult> RefundAsync(string transactionId, OneClick.Core.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("broken");
    }
}
