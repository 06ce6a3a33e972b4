using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary><c>POST /api/v1/orders/hpp</c>, <c>/paybylink</c> and <c>GET /api/v1/orders/{orderId}</c> (docs/protocol.md section 7).</summary>
public sealed class OrderApiTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    private readonly MerchantApi api;

    public OrderApiTests() => api = MerchantApi.Of(gateway);

    public void Dispose() => gateway.Dispose();

    private Task<Order> StoredAsync(string orderId) => gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == orderId));

    // ---- POST /orders/hpp ----

    [Fact]
    public async Task Hpp_creates_an_open_order_and_answers_its_page_and_security_token()
    {
        var response = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", notificationUrl: "http://merchant.test/notify"), "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.ContentType.ShouldBe("application/json");
        response.Json.AsObject().Select(p => p.Key).ShouldBe(["hostedPage", "securityToken"], ignoreOrder: true);
        var order = await StoredAsync("order-1");
        response.Json["hostedPage"]!.GetValue<string>().ShouldBe($"http://localhost/order/{order.Id}");
        response.Json["securityToken"]!.GetValue<string>().ShouldBe(order.SecurityToken);
        (order.ShopId, order.Channel, order.State, order.Amount, order.Currency, order.Description, order.CustomerNumber)
            .ShouldBe((GatewayFactory.ShopId, OrderChannel.HostedPage, OrderState.Open, 9.99m, "EUR", "100 credits", "cust-1"));
        (order.BackUrl, order.DeclineUrl, order.NotificationUrl).ShouldBe((MerchantApi.ResultUrl, MerchantApi.CancelUrl, "http://merchant.test/notify"));
        (order.Recurrence, order.ContractId, order.ExpiresAt).ShouldBe((RecurrenceAction.NoRecurring, null, (DateTime?)null));
    }

    [Fact]
    public async Task Hpp_page_shows_the_order_to_the_buyer()
    {
        var response = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", amount: 1250));

        var page = await Buyer.Of(gateway).GetAsync(new Uri(response.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Text.ShouldContain("100 credits");
        page.Text.ShouldContain("12.50");
    }

    [Fact]
    public async Task Hpp_gives_every_order_its_own_page_and_security_token()
    {
        var first = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));
        var second = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2"));

        second.Json["hostedPage"]!.GetValue<string>().ShouldNotBe(first.Json["hostedPage"]!.GetValue<string>());
        second.Json["securityToken"]!.GetValue<string>().ShouldNotBe(first.Json["securityToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hpp_with_orderId_already_used_is_a_conflict_naming_orderId()
    {
        (await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"), "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        var again = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", amount: 500), "key-2");

        again.ShouldBeProblem(HttpStatusCode.Conflict, "order-id-in-use").ShouldContain("'order-1'");
        again.ErrorsOf("order.orderId").ShouldHaveSingleItem().ShouldContain("already used");
        (await gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(1);
        (await StoredAsync("order-1")).Amount.ShouldBe(9.99m);
    }

    [Fact]
    public async Task Paybylink_with_orderId_of_a_hosted_page_order_is_a_conflict()
    {
        await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        var link = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddDays(1)));

        link.ShouldBeProblem(HttpStatusCode.Conflict, "order-id-in-use");
        link.ErrorsOf("order.orderId").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Hpp_with_orderId_of_a_startorder_referenceID_is_a_conflict()
    {
        var purchase = Merchant.Purchase();
        purchase["referenceID"] = "order-1";
        (await Buyer.Of(gateway).StartAsync(purchase)).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        response.ShouldBeProblem(HttpStatusCode.Conflict, "order-id-in-use");
        response.ErrorsOf("order.orderId").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Hpp_with_orderId_of_a_refused_request_is_still_free()
    {
        var body = MerchantApi.OrderBody("order-1");
        body["order"]!["currency"] = "XYZ";
        (await api.PostAsync("/api/v1/orders/hpp", body)).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);

        (await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"))).Status.ShouldBe(HttpStatusCode.OK);
    }

    // ---- POST /orders/paybylink ----

    [Fact]
    public async Task Paybylink_creates_a_link_order_that_expires()
    {
        var expiresAt = new DateTimeOffset(gateway.Clock.GetUtcNow().UtcDateTime.AddDays(2).Date, TimeSpan.Zero).AddHours(18);

        var response = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-1", expiresAt.ToOffset(TimeSpan.FromHours(2))), "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Json.AsObject().Select(p => p.Key).ShouldBe(["paymentLink", "securityToken"], ignoreOrder: true);
        var order = await StoredAsync("order-1");
        response.Json["paymentLink"]!.GetValue<string>().ShouldBe($"http://localhost/order/{order.Id}");
        response.Json["securityToken"]!.GetValue<string>().ShouldBe(order.SecurityToken);
        (order.Channel, order.State, order.ExpiresAt).ShouldBe((OrderChannel.PayByLink, OrderState.Open, (DateTime?)expiresAt.UtcDateTime));
    }

    [Fact]
    public async Task Paybylink_expiring_within_5_minutes_is_refused_naming_expiresAt()
    {
        var response = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddMinutes(4)));

        response.ShouldBeInvalid("expiresAt").ShouldContain("at least 5 minutes in the future");
    }

    [Fact]
    public async Task Paybylink_may_create_a_contract()
    {
        var response = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddDays(1), "CONTRACT_CREATION", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        var order = await StoredAsync("order-1");
        (order.Recurrence, order.ContractId).ShouldBe((RecurrenceAction.ContractCreation, "contract-1"));
    }

    // ---- GET /orders/{orderId} ----

    [Fact]
    public async Task Get_open_order_answers_it_without_operations()
    {
        await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1", amount: 1250));

        var response = await api.GetAsync("/api/v1/orders/order-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        var json = response.Json;
        (json["orderId"]!.GetValue<string>(), json["status"]!.GetValue<string>(), json["channel"]!.GetValue<string>(), json["amount"]!.GetValue<long>(), json["currency"]!.GetValue<string>())
            .ShouldBe(("order-1", "OPEN", "HOSTED_PAGE", 1250L, "EUR"));
        (json["customerId"]!.GetValue<string>(), json["description"]!.GetValue<string>()).ShouldBe(("cust-1", "100 credits"));
        var recurrence = json["recurrence"]!;
        (recurrence["action"]!.GetValue<string>(), recurrence["contractId"]!.GetValue<string>(), recurrence["contractType"]!.GetValue<string>())
            .ShouldBe(("CONTRACT_CREATION", "contract-1", "CIT"));
        json["operations"]!.AsArray().ShouldBeEmpty();
        response.Body.ShouldNotContain("securityToken");
    }

    [Fact]
    public async Task Get_paid_order_answers_approved_with_its_operation()
    {
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        (await buyer.PayAsync(page)).Text.ShouldContain("Payment approved");

        var response = await api.GetAsync("/api/v1/orders/order-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Json["status"]!.GetValue<string>().ShouldBe("APPROVED");
        var operation = response.Json["operations"]!.AsArray().ShouldHaveSingleItem()!;
        (operation["operationType"]!.GetValue<string>(), operation["operationResult"]!.GetValue<string>(), operation["amount"]!.GetValue<long>(), operation["currency"]!.GetValue<string>())
            .ShouldBe(("AUTHORIZATION", "APPROVED", 999L, "EUR"));
        (operation["paymentCircuit"]!.GetValue<string>(), operation["paymentInstrumentInfo"]!.GetValue<string>(), operation["threeDSecureChallenged"]!.GetValue<bool>())
            .ShouldBe(("VISA", "***4242", false));
        var saleId = await gateway.WithDbAsync(db => db.Sales.Select(s => s.Id).SingleAsync());
        operation["operationId"]!.GetValue<string>().ShouldBe(saleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Body.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Get_declined_order_answers_declined_with_the_reason()
    {
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        await buyer.PayAsync(page, "4000 0000 0000 9995");

        var response = await api.GetAsync("/api/v1/orders/order-1");

        response.Json["status"]!.GetValue<string>().ShouldBe("DECLINED");
        var operation = response.Json["operations"]!.AsArray().ShouldHaveSingleItem()!;
        operation["operationResult"]!.GetValue<string>().ShouldBe("DECLINED");
        operation["declineReason"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Get_pay_by_link_past_its_expiry_answers_expired()
    {
        var expiresAt = gateway.Clock.GetUtcNow().AddHours(1);
        await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-1", expiresAt));
        (await api.GetAsync("/api/v1/orders/order-1")).Json["status"]!.GetValue<string>().ShouldBe("OPEN");

        gateway.Clock.Advance(TimeSpan.FromHours(1));
        var response = await api.GetAsync("/api/v1/orders/order-1");

        response.Json["status"]!.GetValue<string>().ShouldBe("EXPIRED");
        response.Json["channel"]!.GetValue<string>().ShouldBe("PAY_BY_LINK");
        response.Json["expiresAt"]!.GetValue<DateTime>().ShouldBe(expiresAt.UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Get_unknown_order_is_not_found()
    {
        await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        var response = await api.GetAsync("/api/v1/orders/order-2");

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found").ShouldContain("'order-2'");
    }

    [Fact]
    public async Task Get_by_the_gateways_own_order_id_is_not_found()
    {
        await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));
        var gatewayId = (await StoredAsync("order-1")).Id;

        (await api.GetAsync("/api/v1/orders/" + gatewayId)).ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
    }
}
