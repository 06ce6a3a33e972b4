using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Orders;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// CIT contracts through the API (docs/protocol.md section 7): a contractId names one contract for ever, a
/// SUBSEQUENT_PAYMENT charges only an active contract of the order's customer, and the contract list
/// and deactivation.
/// </summary>
public sealed class ContractApiTests : IDisposable
{
    private const string Hpp = "/api/v1/orders/hpp";

    private const string ContractField = "paymentSession.recurrence.contractId";

    private readonly GatewayFactory gateway = new();

    private readonly MerchantApi api;

    private readonly Buyer buyer;

    public ContractApiTests()
    {
        api = MerchantApi.Of(gateway);
        buyer = Buyer.Of(gateway);
    }

    public void Dispose() => gateway.Dispose();

    private Task<Contract> StoredAsync(string contractId) => gateway.WithDbAsync(db => db.Contracts.SingleAsync(c => c.ContractId == contractId));

    private Task<int> OrderCountAsync() => gateway.WithDbAsync(db => db.Orders.CountAsync());

    private async Task DenyAsync(string customerId) =>
        (await CustomerSteps.SetStatusAsync(gateway, customerId, CustomerStatus.Deny)).ShouldBeOfType<SetCustomerStatusOutcome.Changed>();

    // ---- CONTRACT_CREATION: a contractId names one contract ----

    [Fact]
    public async Task Contract_creation_with_a_new_contractId_creates_an_order_that_saves_the_card()
    {
        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        (order.Recurrence, order.ContractId, order.RequiresAuthentication).ShouldBe((RecurrenceAction.ContractCreation, "contract-1", true));
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0, "the contract is made by the payment, not by the order");
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_of_an_active_contract_is_a_conflict()
    {
        await api.CreateContractAsync(buyer, "contract-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.ShouldBeProblem(HttpStatusCode.Conflict, "contract-id-in-use").ShouldContain("'contract-1' is already in use");
        response.ErrorsOf(ContractField).ShouldHaveSingleItem().ShouldContain("choose a new contractId");
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_of_a_deactivated_contract_is_a_conflict()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.ShouldBeProblem(HttpStatusCode.Conflict, "contract-id-in-use");
        response.ErrorsOf(ContractField).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_of_another_customer_is_a_conflict()
    {
        await api.CreateContractAsync(buyer, "contract-1", customerId: "cust-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1", customerId: "cust-2"));

        response.ShouldBeProblem(HttpStatusCode.Conflict, "contract-id-in-use");
        response.ErrorsOf(ContractField).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_whose_first_payment_awaits_3ds_is_a_conflict()
    {
        await api.CreateContractAsync(buyer, "contract-1", authenticate: false);
        (await StoredAsync("contract-1")).State.ShouldBe(ContractState.Pending);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.ShouldBeProblem(HttpStatusCode.Conflict, "contract-id-in-use").ShouldContain("whose payment is under way");
        response.ErrorsOf(ContractField).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Contract_creation_with_a_contractId_another_open_order_aims_at_is_accepted_and_the_first_approval_saves_it()
    {
        // A buyer who left the first order's page must not block the merchant: both orders are made,
        // and the first approved payment saves the contract.
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"))).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        (await OrderCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Contract_creation_after_the_creating_link_expired_is_accepted()
    {
        var link = MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddHours(1), "CONTRACT_CREATION", "contract-1");
        (await api.PostAsync("/api/v1/orders/paybylink", link)).Status.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(TimeSpan.FromHours(1));

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
    }

    [Fact]
    public async Task Contract_creation_after_the_creating_order_was_declined_is_accepted()
    {
        var created = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var page = await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        await buyer.PayAsync(page, "4000 0000 0000 0002");
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
    }

    [Fact]
    public async Task Contract_creation_for_a_denied_customer_is_refused_naming_customerId()
    {
        await DenyAsync("cust-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));

        response.ShouldBeInvalid("order.customerId").ShouldContain("Deny");
        (await OrderCountAsync()).ShouldBe(0);
    }

    // ---- SUBSEQUENT_PAYMENT: only an active contract of the order's customer ----

    [Fact]
    public async Task Subsequent_payment_on_an_active_contract_of_the_customer_creates_the_order()
    {
        await api.CreateContractAsync(buyer, "contract-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"));
        (order.Recurrence, order.ContractId).ShouldBe((RecurrenceAction.SubsequentPayment, "contract-1"));
    }

    [Fact]
    public async Task Hpp_with_unknown_contract_is_refused_naming_the_contract()
    {
        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", "SUBSEQUENT_PAYMENT", "contract-9"));

        response.ShouldBeInvalid(ContractField).ShouldContain("'contract-9' is not a contract of this shop");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Hpp_with_a_contract_whose_first_payment_awaits_3ds_is_refused_like_an_unknown_one()
    {
        await api.CreateContractAsync(buyer, "contract-1", authenticate: false);
        var unknown = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-9"));

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        response.ShouldBeInvalid(ContractField);
        response.Body.ShouldBe(unknown.Body.Replace("contract-9", "contract-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hpp_with_another_customers_contract_is_refused_naming_the_contract()
    {
        await api.CreateContractAsync(buyer, "contract-1", customerId: "cust-1");
        await api.CreateContractAsync(buyer, "contract-2", customerId: "cust-2");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-3", "SUBSEQUENT_PAYMENT", "contract-1", customerId: "cust-2"));

        response.ShouldBeInvalid(ContractField).ShouldContain("belongs to another customer");
        (await OrderCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Hpp_with_a_contract_for_a_customer_the_gateway_never_met_is_refused_naming_the_contract()
    {
        await api.CreateContractAsync(buyer, "contract-1", customerId: "cust-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1", customerId: "stranger"));

        response.ShouldBeInvalid(ContractField).ShouldContain("belongs to another customer");
    }

    [Fact]
    public async Task Hpp_with_deactivated_contract_is_refused_naming_the_contract()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        response.ShouldBeInvalid(ContractField).ShouldContain("can never be charged again");
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Paybylink_with_deactivated_contract_is_refused_naming_the_contract()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        var response = await api.PostAsync("/api/v1/orders/paybylink", MerchantApi.PayByLinkBody("order-2", gateway.Clock.GetUtcNow().AddDays(1), "SUBSEQUENT_PAYMENT", "contract-1"));

        response.ShouldBeInvalid(ContractField).ShouldContain("can never be charged again");
    }

    [Fact]
    public async Task Subsequent_payment_for_a_denied_customer_is_refused_naming_customerId()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        await DenyAsync("cust-1");

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        response.ShouldBeInvalid("order.customerId").ShouldContain("set to Deny");
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task No_recurring_order_for_a_denied_customer_is_accepted()
    {
        await DenyAsync("cust-1");

        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"))).Status.ShouldBe(HttpStatusCode.OK);
    }

    // ---- GET /contracts/customers/{customerId} ----

    [Fact]
    public async Task List_for_a_customer_without_contracts_is_not_found()
    {
        await api.CreateContractAsync(buyer, "contract-1", customerId: "cust-1");

        var response = await api.GetAsync("/api/v1/contracts/customers/cust-2");

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found").ShouldContain("'cust-2' has no contracts");
    }

    [Fact]
    public async Task List_leaves_out_a_contract_whose_first_payment_awaits_3ds()
    {
        await api.CreateContractAsync(buyer, "contract-1", authenticate: false);
        (await StoredAsync("contract-1")).State.ShouldBe(ContractState.Pending);

        var response = await api.GetAsync("/api/v1/contracts/customers/cust-1");

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task List_answers_the_customers_active_and_deactivated_contracts_masked()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        await api.CreateContractAsync(buyer, "contract-2");
        await api.CreateContractAsync(buyer, "contract-3", authenticate: false);
        await api.CreateContractAsync(buyer, "contract-4", customerId: "cust-2");
        await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        var response = await api.GetAsync("/api/v1/contracts/customers/cust-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Json["customerId"]!.GetValue<string>().ShouldBe("cust-1");
        var contracts = response.Json["contracts"]!.AsArray();
        contracts.Select(c => (c!["contractId"]!.GetValue<string>(), c["status"]!.GetValue<string>())).ShouldBe([("contract-1", "DEACTIVATED"), ("contract-2", "ACTIVE")]);
        foreach (var contract in contracts)
        {
            (contract!["contractType"]!.GetValue<string>(), contract["paymentCircuit"]!.GetValue<string>(), contract["paymentInstrumentInfo"]!.GetValue<string>())
                .ShouldBe(("CIT", "VISA", "***4242"));
            contract["createdAt"]!.GetValue<DateTime>().ShouldBe(gateway.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(1));
        }

        response.Body.ShouldNotContain("4242424242424242");
        response.Body.ShouldNotContain("424242XX");
    }

    // ---- POST /contracts/{contractId}/deactivation ----

    [Fact]
    public async Task Deactivation_of_an_unknown_contract_is_not_found()
    {
        var response = await api.PostAsync("/api/v1/contracts/contract-9/deactivation", null);

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found").ShouldContain("'contract-9'");
    }

    [Fact]
    public async Task Deactivation_of_a_contract_whose_first_payment_awaits_3ds_is_not_found()
    {
        await api.CreateContractAsync(buyer, "contract-1", authenticate: false);

        var response = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        response.ShouldBeProblem(HttpStatusCode.NotFound, "not-found");
        (await StoredAsync("contract-1")).State.ShouldBe(ContractState.Pending);
    }

    [Fact]
    public async Task Deactivation_ends_the_contract_and_wipes_the_card()
    {
        await api.CreateContractAsync(buyer, "contract-1");

        var response = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        (response.Json["contractId"]!.GetValue<string>(), response.Json["status"]!.GetValue<string>(), response.Json["paymentInstrumentInfo"]!.GetValue<string>())
            .ShouldBe(("contract-1", "DEACTIVATED", "***4242"));
        response.Json["deactivatedAt"].ShouldNotBeNull();
        var stored = await StoredAsync("contract-1");
        (stored.State, stored.EncryptedPan.Length, stored.IsChargeable).ShouldBe((ContractState.Deactivated, 0, false));
    }

    [Fact]
    public async Task Deactivation_twice_answers_200_with_the_same_state()
    {
        await api.CreateContractAsync(buyer, "contract-1");
        var first = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-1");
        gateway.Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-2");
        var third = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        second.Status.ShouldBe(HttpStatusCode.OK, second.ToString());
        second.Replayed.ShouldBeFalse();
        second.Body.ShouldBe(first.Body);
        third.Body.ShouldBe(first.Body);
    }

    [Fact]
    public async Task Deactivation_with_a_json_body_is_accepted_like_one_without()
    {
        await api.CreateContractAsync(buyer, "contract-1");

        var response = await api.PostRawAsync("/api/v1/contracts/contract-1/deactivation", "{}");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
    }
}
