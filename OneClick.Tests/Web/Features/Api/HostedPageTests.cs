using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>The buyer's side of a hosted-page order without a contract (docs/protocol.md section 7): pay, decline, cancel, notify.</summary>
public sealed class HostedPageTests : IDisposable
{
    private readonly GatewayFactory gateway = new();
    private readonly MerchantApi api;

    public HostedPageTests()
    {
        // One-click is on for the shop: the hosted page must still not offer to remember the card.
        gateway.Set("OneClick:Seed:OneClickEnabled", "true");
        api = ApiOrderFlows.ApiOf(gateway);
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task PaymentSession_language_shows_the_hosted_page_in_that_language()
    {
        var body = MerchantApi.OrderBody("order-lang");
        body["paymentSession"]!["language"] = "de";

        var created = await api.CreateAsync(body);

        var page = await Buyer.Of(gateway).GetAsync(created.Path);
        page.Document.DocumentElement.GetAttribute("lang").ShouldBe("de");
        page.Heading.ShouldBe("Mit Karte bezahlen");
    }

    [Fact]
    public async Task NoRecurring_approved_card_goes_to_resultUrl_with_signed_ok_data_and_saves_no_card()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);

        page.Heading.ShouldBe("Pay by card");
        page.Document.QuerySelector("#card-remember").ShouldBeNull();
        page.Text.ShouldNotContain("Remember my card");
        page.Document.QuerySelector("#contract-notice").ShouldBeNull();
        // Even a forged "remember" field saves nothing for an API order.
        var approved = await buyer.PayAsync(page, remember: true);

        approved.Heading.ShouldBe("Payment approved");
        var target = approved.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith(MerchantApi.ResultUrl + "?");
        var ok = Merchant.VerifiedQuery(target);
        (ok["referenceID"], ok["priceAmount"], ok["priceCurrency"], ok["truncatedPAN"], ok["securityToken"])
            .ShouldBe(("order-1", "9.99", "EUR", "424242XXXXXX4242", created.SecurityToken));
        ok.ShouldNotContainKey("oneClickToken");
        ok.ShouldNotContainKey("contractId");
        approved.LinkHref("Continue").ShouldBe(target);
        (await api.StatusOfAsync("order-1")).ShouldBe("APPROVED");
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Wallets.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.OneClickTokens.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Declined_card_closes_the_order_and_sends_the_buyer_to_cancelUrl_with_signed_fields()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);

        var declined = await buyer.PayAsync(page, "4000 0000 0000 0002");

        declined.Heading.ShouldBe("Payment declined");
        declined.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull(); // no "try again": the merchant starts a new order
        var target = declined.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith(MerchantApi.CancelUrl + "?");
        var fields = Merchant.VerifiedQuery(target);
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync());
        fields.ShouldBe(new Dictionary<string, string>
        {
            ["shopID"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["referenceID"] = "order-1",
            ["saleID"] = sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["saleResult"] = "DECLINED",
            ["securityToken"] = created.SecurityToken,
            ["signature"] = fields["signature"],
        }, ignoreOrder: true);
        (sale.Result, sale.DeclineReason).ShouldBe((SaleResult.Declined, DeclineReason.CardDeclined));
        (await api.StatusOfAsync("order-1")).ShouldBe("DECLINED");

        // The closed order takes no second attempt, even posted from the page the buyer still has.
        var again = await buyer.PayAsync(page);
        again.Heading.ShouldBe("Payment declined");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Cancel_closes_the_order_and_sends_the_buyer_to_cancelUrl_with_signed_fields()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);

        var cancelled = await buyer.SubmitAsync(page, "Cancel and return to " + ApiOrderFlows.ShopName);

        cancelled.Url.ShouldStartWith(MerchantApi.CancelUrl + "?");
        var query = Merchant.VerifiedQuery(cancelled.Url);
        query.ShouldBe(new Dictionary<string, string>
        {
            ["shopID"] = GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["referenceID"] = "order-1",
            ["saleResult"] = "CANCELLED",
            ["securityToken"] = created.SecurityToken,
            ["signature"] = query["signature"],
        }, ignoreOrder: true);
        (await api.StatusOfAsync("order-1")).ShouldBe("CANCELLED");
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        (order.State, order.CurrentSaleId).ShouldBe((OrderState.Cancelled, null));
    }

    [Fact]
    public async Task Cancel_posted_again_or_pay_after_cancel_charges_nothing()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);
        (await buyer.SubmitAsync(page, "Cancel and return to")).Url.ShouldStartWith(MerchantApi.CancelUrl);

        var cancelledAgain = await buyer.SubmitAsync(page, "Cancel and return to");
        var paid = await buyer.PayAsync(page);

        cancelledAgain.Heading.ShouldBe("Payment cancelled");
        paid.Heading.ShouldBe("Payment cancelled");
        paid.Text.ShouldContain("nothing was charged");
        (await buyer.GetAsync(created.Path)).Heading.ShouldBe("Payment cancelled");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
        (await api.StatusOfAsync("order-1")).ShouldBe("CANCELLED");
    }

    [Fact]
    public async Task Cancel_after_approval_changes_nothing()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);
        (await buyer.PayAsync(page)).Heading.ShouldBe("Payment approved");

        var cancelled = await buyer.SubmitAsync(page, "Cancel and return to");

        cancelled.Heading.ShouldBe("Payment approved");
        (await api.StatusOfAsync("order-1")).ShouldBe("APPROVED");
    }

    [Fact]
    public async Task Cancel_and_pay_posts_without_antiforgery_token_are_refused()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);

        var cancel = await buyer.PostWithoutAntiforgeryAsync(page, "cancel", new() { ["CancelChoice.Confirmed"] = "true" });
        var pay = await buyer.PostWithoutAntiforgeryAsync(page, "pay", new()
        {
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
        });

        cancel.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        pay.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.StatusOfAsync("order-1")).ShouldBe("OPEN");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
    }
}

/// <summary>An API order's notificationUrl takes its postback instead of the shop's postback URL.</summary>
public sealed class NotificationUrlTests : IDisposable
{
    private readonly MerchantSite shopSite = new();
    private readonly GatewayFactory gateway = new();
    private readonly MerchantApi api;

    public NotificationUrlTests()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", shopSite.PostbackUrl)
            .AllowRedirectsTo(shopSite.BaseUrl);
        api = ApiOrderFlows.ApiOf(gateway);
    }

    public void Dispose()
    {
        gateway.Dispose();
        shopSite.Dispose();
    }

    [Fact]
    public async Task Approved_sale_postback_goes_to_the_orders_notificationUrl_not_the_shops()
    {
        // The merchant's site is on 127.0.0.1: an order may name that inside origin only as the shop's
        // postback URL has it (scheme, host and port), so the order's URL differs by its own query.
        var orderSite = shopSite;
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", notificationUrl: orderSite.PostbackUrl + "?merchantRef=abc"));
        var buyer = Buyer.Of(gateway);

        (await buyer.PayAsync(await buyer.GetAsync(created.Path))).Heading.ShouldBe("Payment approved");

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!orderSite.Postbacks.IsEmpty), "the order's notificationUrl received the postback");
        var (url, header) = orderSite.Postbacks.ShouldHaveSingleItem();
        var fields = Merchant.VerifiedQuery(url.ToString());
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync());
        (fields["merchantRef"], fields["saleID"], fields["referenceID"], fields["securityToken"])
            .ShouldBe(("abc", sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "order-1", created.SecurityToken));
        PostbackSignature.Verify(header, GatewayFactory.SignatureKey, url.Query, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        await GatewayFactory.EventuallyAsync(
            async () => (await gateway.WithDbAsync(db => db.PostbackDeliveries.SingleAsync())).State == PostbackState.Delivered,
            "the delivery is marked delivered");
        var delivery = await gateway.WithDbAsync(db => db.PostbackDeliveries.SingleAsync());
        delivery.Url.ShouldStartWith(orderSite.PostbackUrl + "?merchantRef=abc");
    }

    [Fact]
    public async Task Order_without_notificationUrl_keeps_the_shops_postback_url()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);

        await buyer.PayAsync(await buyer.GetAsync(created.Path));

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!shopSite.Postbacks.IsEmpty), "the shop's postback URL received the postback");
        var fields = Merchant.VerifiedQuery(shopSite.Postbacks.ShouldHaveSingleItem().Url.ToString());
        fields["securityToken"].ShouldBe(created.SecurityToken);
        fields.ShouldNotContainKey("merchantRef");
    }
}
