using Microsoft.EntityFrameworkCore;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Order_left_processing_by_a_crash_is_never_charged_again_after_restart()
    {
        string dataDirectory;
        string orderPath;
        Page orderPage;
        var browserCookies = new System.Net.CookieContainer();
        using (var before = new GatewayFactory { KeepDataDirectory = true })
        {
            dataDirectory = before.DataDirectory;
            var buyer = Buyer.Of(before, browserCookies);
            orderPage = await buyer.StartAsync(Merchant.Purchase());
            orderPath = orderPage.Url;
            // The state a crash leaves between "sale sent to the acquirer" and "answer saved".
            await before.WithDbAsync(async db =>
            {
                var order = await db.Orders.SingleAsync(o => o.Id == orderPage.OrderId);
                order.StartPayment(DateTime.UtcNow);
                db.Sales.Add(new Sale(order, CardNumber.Parse(Buyer.Visa).Number!, DateTime.UtcNow));
                return await db.SaveChangesAsync();
            });
        }

        using var after = GatewayFactory.RestartedOn(dataDirectory);
        var sameBuyer = Buyer.Of(after, browserCookies);
        var reloaded = await sameBuyer.GetAsync(orderPath);
        var resubmitted = await sameBuyer.PayAsync(orderPage);

        reloaded.Heading.ShouldBe("Payment in progress");
        resubmitted.Heading.ShouldBe("Payment in progress");
        var sales = await after.WithDbAsync(db => db.Sales.Where(s => s.OrderId == orderPage.OrderId).ToListAsync());
        sales.Count.ShouldBe(1);
        sales[0].Result.ShouldBe(SaleResult.Pending);
        (await after.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == orderPage.OrderId))).State.ShouldBe(OrderState.Processing);
    }
}
