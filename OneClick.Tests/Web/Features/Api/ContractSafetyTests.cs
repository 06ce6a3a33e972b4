using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Checkout.Payments;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>The rules that keep a contract from being charged when it must not be, and a card from being kept unauthenticated.</summary>
public sealed class ContractSafetyTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Deactivation_while_a_contract_payment_awaits_the_acquirer_is_refused_until_it_ends()
    {
        var api = MerchantApi.Of(gateway);
        var buyer = await CreateContractAsync(api, "contract-1");
        var order = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var page = await buyer.GetAsync(new Uri(order.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        var challenge = await buyer.SubmitAsync(page, "Pay");
        challenge.Heading.ShouldBe("Authentication required");
        // The buyer's answer has taken the order and the acquirer is deciding (as between the two turns of a completion).
        await gateway.WithDbAsync(async db =>
        {
            var taken = await db.Orders.SingleAsync(o => o.ReferenceId == "order-2");
            taken.StartAuthenticationAnswer(DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });

        var refused = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null);

        refused.Status.ShouldBe(HttpStatusCode.Conflict, refused.ToString());
        refused.Json["type"]!.GetValue<string>().ShouldEndWith("payment-in-progress");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Active);
    }

    [Fact]
    public async Task Deactivation_refused_for_a_payment_in_flight_runs_when_retried_with_the_same_key()
    {
        var api = MerchantApi.Of(gateway);
        var buyer = await CreateContractAsync(api, "contract-1");
        var order = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var challenge = await buyer.SubmitAsync(await buyer.GetAsync(new Uri(order.Json["hostedPage"]!.GetValue<string>()).PathAndQuery), "Pay");
        await gateway.WithDbAsync(async db =>
        {
            var taken = await db.Orders.SingleAsync(o => o.ReferenceId == "order-2");
            taken.StartAuthenticationAnswer(DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "deactivate-1")).Status.ShouldBe(HttpStatusCode.Conflict);
        await gateway.WithDbAsync(async db =>
        {
            // The acquirer answered: the payment ended.
            var ended = await db.Orders.SingleAsync(o => o.ReferenceId == "order-2");
            ended.Decline(closeOrder: true, DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });

        var retried = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "deactivate-1");

        retried.Status.ShouldBe(HttpStatusCode.OK, retried.ToString());
        retried.Json["status"]!.GetValue<string>().ShouldBe("DEACTIVATED");
        challenge.Heading.ShouldBe("Authentication required");
    }

    [Fact]
    public async Task Second_order_creating_a_saved_contract_offers_no_card_form_and_names_no_contract()
    {
        var api = MerchantApi.Of(gateway);
        var second = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));
        await CreateContractAsync(api, "contract-1");

        var page = await Buyer.Of(gateway).GetAsync(new Uri(second.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);

        page.Text.ShouldContain("cannot save a card for your future payments");
        page.Document.QuerySelector("#card-number").ShouldBeNull();
        page.Document.QuerySelectorAll("button:not([data-language])").Select(b => b.TextContent.Trim()).ShouldHaveSingleItem().ShouldStartWith("Cancel and return");
    }

    [Fact]
    public async Task Result_names_the_contract_only_when_the_payment_saved_it()
    {
        var api = MerchantApi.Of(gateway);
        var plain = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-0"));
        var buyer = Buyer.Of(gateway);
        var approvedPlain = await buyer.PayAsync(await buyer.GetAsync(new Uri(plain.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        approvedPlain.RefreshTarget.ShouldNotBeNull().ShouldNotContain("contractId=");

        await CreateContractAsync(api, "contract-1");

        var creating = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "first-contract-1"));
        (creating.ContractSaved, creating.ReportedContractId).ShouldBe((true, "contract-1"));
    }

    [Fact]
    public async Task Deactivation_by_the_api_is_audited_with_the_key_by_its_prefix_once()
    {
        var api = MerchantApi.Of(gateway);
        await CreateContractAsync(api, "contract-1");

        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);

        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        (entry.Action, entry.UserId, entry.UserEmail).ShouldBe(("customer.contract.deactivate", (int?)null, "API key " + MerchantApi.SeededKey[..12] + "… (Seeded key)"));
        entry.Subject.ShouldEndWith("(cust-1)");
        entry.After!.ShouldContain("\"status\":\"Deactivated\"");
        (entry.UserEmail + entry.Before + entry.After).ShouldNotContain(MerchantApi.SeededKey);
        (entry.Before + entry.After).ShouldNotContain("424242");
    }

    [Fact]
    public async Task Customer_set_to_Deny_after_the_order_was_made_is_not_charged_by_contract()
    {
        var api = MerchantApi.Of(gateway);
        var buyer = await CreateContractAsync(api, "contract-1");
        var order = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var page = await buyer.GetAsync(new Uri(order.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        await DenyAsync("cust-1");

        var after = await buyer.SubmitAsync(page, "Pay");

        after.Text.ShouldContain("can no longer be used");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1); // the first payment only
    }

    [Fact]
    public async Task Customer_set_to_Deny_after_a_creating_order_was_made_gets_no_contract()
    {
        var api = MerchantApi.Of(gateway);
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        await DenyAsync("cust-1");

        var after = await buyer.PayAsync(page);

        after.Text.ShouldContain("cannot save a card for your future payments");
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Abandoned_challenge_of_a_first_payment_is_given_up_with_its_pending_contract_and_cannot_be_completed_later()
    {
        var api = MerchantApi.Of(gateway);
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        challenge.Heading.ShouldBe("Authentication required");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Pending);

        gateway.Clock.Advance(AbandonAuthentication.After + TimeSpan.FromMinutes(1));
        (await gateway.RunJobAsync<GiveUpAbandonedChallengesOutcome>("abandoned-challenges")).GivenUp.ShouldBe(1);

        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync());
        (sale.Result, sale.DeclineReason).ShouldBe((SaleResult.Declined, DeclineReason.AuthenticationAbandoned));
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync())).State.ShouldBe(OrderState.Declined);
        var late = await buyer.SubmitAsync(challenge, "Complete authentication");
        late.Text.ShouldNotContain("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.SingleAsync())).Result.ShouldBe(SaleResult.Declined);

        // The contract id is free again.
        var again = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "CONTRACT_CREATION", "contract-1"));
        again.Status.ShouldBe(HttpStatusCode.OK, again.ToString());
    }

    [Fact]
    public async Task Pending_contract_left_by_a_crash_while_waiting_for_the_acquirer_is_forgotten_after_15_minutes()
    {
        var api = MerchantApi.Of(gateway);
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        await gateway.WithDbAsync(async db =>
        {
            // What a crash while the acquirer decided leaves: the order processing, the contract pending.
            var order = await db.Orders.SingleAsync();
            order.StartAuthenticationAnswer(gateway.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        (await gateway.RunJobAsync<GiveUpAbandonedChallengesOutcome>("abandoned-challenges")).ContractsForgotten.ShouldBe(0);
        gateway.Clock.Advance(Sale.PendingCountsFor + TimeSpan.FromMinutes(1));
        (await gateway.RunJobAsync<GiveUpAbandonedChallengesOutcome>("abandoned-challenges")).ContractsForgotten.ShouldBe(1);

        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Challenge_answered_in_time_is_not_given_up()
    {
        var api = MerchantApi.Of(gateway);
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));

        gateway.Clock.Advance(AbandonAuthentication.After - TimeSpan.FromMinutes(1));

        (await gateway.RunJobAsync<GiveUpAbandonedChallengesOutcome>("abandoned-challenges")).GivenUp.ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Pending);
    }

    [Fact]
    public async Task Notification_url_on_a_private_address_is_refused_unless_it_is_the_shops_own_postback_host()
    {
        var api = MerchantApi.Of(gateway);
        await gateway.WithDbAsync(async db =>
        {
            var shop = await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId);
            shop.SetAllowedRedirectHosts([GatewayFactory.MerchantHost, "127.0.0.1:9", "169.254.169.254"]);
            shop.SetUrls(new Uri(GatewayFactory.SuccessUrl), null, new Uri("http://127.0.0.1:9/postback"));
            return await db.SaveChangesAsync();
        });

        var metadata = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", notificationUrl: "http://169.254.169.254/latest/meta-data/"));
        var ownHost = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", notificationUrl: "http://127.0.0.1:9/other-postback"));

        metadata.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, metadata.ToString());
        metadata.ErrorsOf("paymentSession.notificationUrl").ShouldHaveSingleItem().ShouldContain("loopback, private or link-local");
        ownHost.Status.ShouldBe(HttpStatusCode.OK, ownHost.ToString());
    }

    [Fact]
    public async Task Notification_url_on_the_shops_own_postback_host_at_another_port_or_scheme_is_refused()
    {
        // The operator's postback URL is on 127.0.0.1:9; 127.0.0.1:22 is another service, not the merchant.
        var api = MerchantApi.Of(gateway);
        await gateway.WithDbAsync(async db =>
        {
            var shop = await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId);
            shop.SetUrls(new Uri(GatewayFactory.SuccessUrl), null, new Uri("http://127.0.0.1:9/postback"));
            return await db.SaveChangesAsync();
        });

        var otherPort = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", notificationUrl: "http://127.0.0.1:22/postback"));
        var otherScheme = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", notificationUrl: "https://127.0.0.1:9/postback"));
        var defaultPort = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-3", notificationUrl: "http://127.0.0.1/postback"));

        foreach (var refused in new[] { otherPort, otherScheme, defaultPort })
        {
            refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.ToString());
            refused.ErrorsOf("paymentSession.notificationUrl").ShouldHaveSingleItem().ShouldContain("loopback, private or link-local");
        }

        (await gateway.WithDbAsync(db => db.Orders.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Paybylink_expiry_without_an_offset_is_refused()
    {
        var api = MerchantApi.Of(gateway);
        var body = MerchantApi.OrderBody("order-1");
        body["expiresAt"] = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await api.PostAsync("/api/v1/orders/paybylink", body);

        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.ToString());
        refused.ErrorsOf("expiresAt").ShouldHaveSingleItem().ShouldContain("with its offset");
    }

    [Fact]
    public async Task Startorder_with_the_referenceID_of_an_api_order_is_refused_not_resumed()
    {
        var api = MerchantApi.Of(gateway);
        (await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("shared-ref", customerId: null))).Status.ShouldBe(HttpStatusCode.OK);
        var client = gateway.CreatePlainClient();

        var start = await client.GetAsync(Merchant.StartOrderUrl(new Dictionary<string, string>(Merchant.Purchase()) { ["referenceID"] = "shared-ref" }, GatewayFactory.SignatureKey));

        start.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await start.Content.ReadAsStringAsync()).ShouldContain("through the JSON API");
    }

    private async Task<Buyer> CreateContractAsync(MerchantApi api, string contractId)
    {
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("first-" + contractId, "CONTRACT_CREATION", contractId));
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(new Uri(created.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));
        (await buyer.SubmitAsync(challenge, "Complete authentication")).Text.ShouldContain("Payment approved");
        return buyer;
    }

    private async Task DenyAsync(string customer) =>
        (await CustomerSteps.SetStatusAsync(gateway, customer, CustomerStatus.Deny)).ShouldBeOfType<SetCustomerStatusOutcome.Changed>();
}
