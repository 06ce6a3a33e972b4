using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>Pay-by-link orders (docs/protocol.md section 7): a link pays once, and stops working at its expiry.</summary>
public sealed class PayByLinkTests : IDisposable
{
    private readonly GatewayFactory gateway = new();
    private readonly MerchantApi api;

    public PayByLinkTests() => api = ApiOrderFlows.ApiOf(gateway);

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Link_pays_once_then_shows_the_approval_and_takes_no_second_sale()
    {
        var link = await CreateLinkAsync("order-1", TimeSpan.FromHours(1));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(link.Path);
        page.Heading.ShouldBe("Pay by card");

        var approved = await buyer.PayAsync(page);

        approved.Heading.ShouldBe("Payment approved");
        var target = approved.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith(MerchantApi.ResultUrl + "?");
        Merchant.VerifiedQuery(target)["securityToken"].ShouldBe(link.SecurityToken);
        foreach (var opener in new[] { buyer, Buyer.Of(gateway) })
        {
            var again = await opener.GetAsync(link.Path);
            again.Heading.ShouldBe("Payment approved");
            again.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull();
        }

        (await buyer.PayAsync(page, "5555 5555 5555 4444")).Heading.ShouldBe("Payment approved"); // the page still held: no second sale
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1);
        (await api.StatusOfAsync("order-1")).ShouldBe("APPROVED");
    }

    [Fact]
    public async Task Expired_link_shows_it_has_expired_and_a_forged_pay_post_charges_nothing_before_the_job_ran()
    {
        var link = await CreateLinkAsync("order-1", TimeSpan.FromMinutes(10));
        var buyer = Buyer.Of(gateway);
        var held = await buyer.GetAsync(link.Path); // opened in time, paid too late

        gateway.Clock.Advance(TimeSpan.FromMinutes(11));
        var page = await buyer.GetAsync(link.Path);
        var forged = await buyer.PayAsync(held);
        var cancelled = await buyer.SubmitAsync(held, "Cancel and return to");

        foreach (var shown in new[] { page, forged, cancelled })
        {
            shown.Heading.ShouldBe("This payment link has expired");
            shown.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull();
            shown.Text.ShouldContain("nothing was charged");
        }

        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync())).State.ShouldBe(OrderState.Open); // the job has not run
        (await api.StatusOfAsync("order-1")).ShouldBe("EXPIRED");
    }

    [Fact]
    public async Task ExpiryJob_closes_expired_open_links_and_leaves_unexpired_and_paid_ones_alone()
    {
        await CreateLinkAsync("expiring", TimeSpan.FromMinutes(10));
        var unexpired = await CreateLinkAsync("unexpired", TimeSpan.FromHours(2));
        var paid = await CreateLinkAsync("paid", TimeSpan.FromMinutes(10));
        var buyer = Buyer.Of(gateway);
        (await buyer.PayAsync(await buyer.GetAsync(paid.Path))).Heading.ShouldBe("Payment approved");
        var before = await gateway.WithDbAsync(db => db.Orders.AsNoTracking().ToDictionaryAsync(o => o.ReferenceId!));

        gateway.Clock.Advance(TimeSpan.FromMinutes(11));
        (await gateway.ExpireLinksAsync()).ShouldBe(1);
        (await gateway.ExpireLinksAsync()).ShouldBe(0);

        var after = await gateway.WithDbAsync(db => db.Orders.AsNoTracking().ToDictionaryAsync(o => o.ReferenceId!));
        (after["expiring"].State, after["unexpired"].State, after["paid"].State).ShouldBe((OrderState.Expired, OrderState.Open, OrderState.Approved));
        after["expiring"].ConcurrencyStamp.ShouldBeGreaterThan(before["expiring"].ConcurrencyStamp);
        (after["unexpired"].UpdatedAt, after["paid"].UpdatedAt).ShouldBe((before["unexpired"].UpdatedAt, before["paid"].UpdatedAt));
        (await api.StatusOfAsync("expiring")).ShouldBe("EXPIRED");
        (await api.StatusOfAsync("unexpired")).ShouldBe("OPEN");
        (await api.StatusOfAsync("paid")).ShouldBe("APPROVED");
        (await buyer.GetAsync((await api.CreateAsync(MerchantApi.OrderBody("other"))).Path)).Heading.ShouldBe("Pay by card"); // a hosted page has no expiry
        (await buyer.GetAsync(unexpired.Path)).Heading.ShouldBe("Pay by card");
    }

    [Fact]
    public async Task Expired_link_is_still_expired_after_the_job_and_refuses_payment()
    {
        var link = await CreateLinkAsync("order-1", TimeSpan.FromMinutes(10));
        var buyer = Buyer.Of(gateway);
        var held = await buyer.GetAsync(link.Path);
        gateway.Clock.Advance(TimeSpan.FromMinutes(11));

        (await gateway.ExpireLinksAsync()).ShouldBe(1);
        var forged = await buyer.PayAsync(held);

        forged.Heading.ShouldBe("This payment link has expired");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync())).State.ShouldBe(OrderState.Expired);
        (await api.StatusOfAsync("order-1")).ShouldBe("EXPIRED");
    }

    private Task<CreatedOrder> CreateLinkAsync(string orderId, TimeSpan expiresIn) =>
        api.CreateAsync(MerchantApi.OrderBody(orderId).ExpiringAt(gateway.Clock.GetUtcNow() + expiresIn), payByLink: true);
}
