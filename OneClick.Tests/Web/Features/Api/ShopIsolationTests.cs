using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// A shop's API key reaches that shop's orders and contracts only: another shop's are answered exactly
/// like unknown ones, so that a key tells nothing about what other merchants have.
/// </summary>
public sealed class ShopIsolationTests : IDisposable
{
    private const int OtherShopId = 70001;

    private const string OtherResultUrl = "http://other.test/result";

    private const string OtherCancelUrl = "http://other.test/cancel";

    private readonly GatewayFactory gateway = new();

    private readonly MerchantApi first;

    public ShopIsolationTests() => first = MerchantApi.Of(gateway);

    public void Dispose() => gateway.Dispose();

    private async Task<MerchantApi> OtherShopAsync()
    {
        await gateway.AddShopAsync(OtherShopId, "OtherShopSignatureKey0123456789", "http://other.test/postback");
        return new MerchantApi(gateway.CreatePlainClient(), await MerchantApi.AddKeyAsync(gateway, OtherShopId));
    }

    private static System.Text.Json.Nodes.JsonObject OtherBody(string orderId, string action = "NO_RECURRING", string? contractId = null) =>
        MerchantApi.OrderBody(orderId, action, contractId, resultUrl: OtherResultUrl, cancelUrl: OtherCancelUrl);

    [Fact]
    public async Task Get_order_of_another_shop_is_not_found_like_an_unknown_one()
    {
        var other = await OtherShopAsync();
        (await first.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"))).Status.ShouldBe(HttpStatusCode.OK);
        var unknown = await other.GetAsync("/api/v1/orders/order-9");

        var response = await other.GetAsync("/api/v1/orders/order-1");

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        response.Body.ShouldBe(unknown.Body.Replace("order-9", "order-1", StringComparison.Ordinal));
        (await first.GetAsync("/api/v1/orders/order-1")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Hpp_with_an_orderId_another_shop_uses_is_accepted()
    {
        var other = await OtherShopAsync();
        await first.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1"));

        var response = await other.PostAsync("/api/v1/orders/hpp", OtherBody("order-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        (await other.GetAsync("/api/v1/orders/order-1")).Json["currency"]!.GetValue<string>().ShouldBe("EUR");
        (await gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.ReferenceId == "order-1"))).ShouldBe(2);
    }

    [Fact]
    public async Task List_contracts_of_another_shops_customer_is_not_found()
    {
        var other = await OtherShopAsync();
        await first.CreateContractAsync(Buyer.Of(gateway), "contract-1", customerId: "cust-1");

        var response = await other.GetAsync("/api/v1/contracts/customers/cust-1");

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        (await first.GetAsync("/api/v1/contracts/customers/cust-1")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deactivation_of_another_shops_contract_is_not_found_and_changes_nothing()
    {
        var other = await OtherShopAsync();
        await first.CreateContractAsync(Buyer.Of(gateway), "contract-1");
        var unknown = await other.PostAsync("/api/v1/contracts/contract-9/deactivation", null);

        var response = await other.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        response.Body.ShouldBe(unknown.Body.Replace("contract-9", "contract-1", StringComparison.Ordinal));
        var stored = await gateway.WithDbAsync(db => db.Contracts.SingleAsync());
        (stored.State, stored.EncryptedPan.Length > 0).ShouldBe((ContractState.Active, true));
    }

    [Fact]
    public async Task Hpp_with_another_shops_contract_is_refused_like_an_unknown_contract()
    {
        var other = await OtherShopAsync();
        await first.CreateContractAsync(Buyer.Of(gateway), "contract-1", customerId: "cust-1");
        var unknown = await other.PostAsync("/api/v1/orders/hpp", OtherBody("order-9", "SUBSEQUENT_PAYMENT", "contract-9"));

        var response = await other.PostAsync("/api/v1/orders/hpp", OtherBody("order-9", "SUBSEQUENT_PAYMENT", "contract-1"));

        response.ShouldBeInvalid("paymentSession.recurrence.contractId").ShouldContain("is not a contract of this shop");
        response.Body.ShouldBe(unknown.Body.Replace("contract-9", "contract-1", StringComparison.Ordinal));
        (await gateway.WithDbAsync(db => db.Orders.CountAsync(o => o.ShopId == OtherShopId))).ShouldBe(0);
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_another_shop_uses_is_accepted()
    {
        var other = await OtherShopAsync();
        await first.CreateContractAsync(Buyer.Of(gateway), "contract-1");

        var contract = await other.CreateContractAsync(Buyer.Of(gateway), "contract-1", resultUrl: OtherResultUrl, cancelUrl: OtherCancelUrl);

        contract.RefreshTarget.ShouldNotBeNull().ShouldStartWith(OtherResultUrl);
        var contracts = await gateway.WithDbAsync(db => db.Contracts.OrderBy(c => c.ShopId).ToListAsync());
        contracts.Select(c => (c.ShopId, c.ContractId, c.State)).ShouldBe([(GatewayFactory.ShopId, "contract-1", ContractState.Active), (OtherShopId, "contract-1", ContractState.Active)]);
        (await other.GetAsync("/api/v1/contracts/customers/cust-1")).Json["contracts"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Deactivation_by_one_shop_leaves_the_other_shops_contract_of_the_same_id_active()
    {
        var other = await OtherShopAsync();
        await first.CreateContractAsync(Buyer.Of(gateway), "contract-1");
        await other.CreateContractAsync(Buyer.Of(gateway), "contract-1", resultUrl: OtherResultUrl, cancelUrl: OtherCancelUrl);

        (await other.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);

        var states = await gateway.WithDbAsync(db => db.Contracts.OrderBy(c => c.ShopId).Select(c => c.State).ToListAsync());
        states.ShouldBe([ContractState.Active, ContractState.Deactivated]);
        (await first.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"))).Status.ShouldBe(HttpStatusCode.OK);
    }
}
