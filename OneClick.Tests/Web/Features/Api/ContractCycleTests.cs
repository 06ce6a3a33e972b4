using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>The whole CIT cycle of docs/protocol.md section 7 (the Nexi XPay model), through the hosted page.</summary>
public sealed class ContractCycleTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Contract_created_with_3ds_listed_paid_again_with_3ds_deactivated_then_refused()
    {
        var api = MerchantApi.Of(gateway);

        // 1. CONTRACT_CREATION: full card entry on the hosted page, then 3-D Secure, then the contract is saved.
        var created = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"), "key-1");
        created.Status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var hostedPage = created.Json["hostedPage"]!.GetValue<string>();
        var securityToken = created.Json["securityToken"]!.GetValue<string>();
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(new Uri(hostedPage).PathAndQuery);
        page.Text.ShouldContain("will save this card for your future payments");
        page.Document.QuerySelector("#card-remember").ShouldBeNull();
        var challenge = await buyer.PayAsync(page);
        challenge.Heading.ShouldBe("Authentication required");
        var approved = await buyer.SubmitAsync(challenge, "Complete authentication");
        approved.Text.ShouldContain("Payment approved");
        approved.RefreshTarget.ShouldNotBeNull().ShouldStartWith(MerchantApi.ResultUrl);
        approved.RefreshTarget.ShouldContain("securityToken=" + securityToken);
        approved.RefreshTarget.ShouldContain("contractId=contract-1");

        // 2. The customer's contracts.
        var listed = await api.GetAsync("/api/v1/contracts/customers/cust-1");
        listed.Status.ShouldBe(HttpStatusCode.OK, listed.ToString());
        var contract = listed.Json["contracts"]!.AsArray().ShouldHaveSingleItem()!;
        (contract["contractId"]!.GetValue<string>(), contract["contractType"]!.GetValue<string>(), contract["paymentCircuit"]!.GetValue<string>(), contract["paymentInstrumentInfo"]!.GetValue<string>(), contract["status"]!.GetValue<string>())
            .ShouldBe(("contract-1", "CIT", "VISA", "***4242", "ACTIVE"));

        // 3. SUBSEQUENT_PAYMENT: the masked card, no card entry, 3-D Secure, charged.
        var again = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"), "key-2");
        again.Status.ShouldBe(HttpStatusCode.OK, again.ToString());
        var second = await buyer.GetAsync(new Uri(again.Json["hostedPage"]!.GetValue<string>()).PathAndQuery);
        second.Text.ShouldContain("Visa •••• 4242");
        second.Document.QuerySelector("#card-number").ShouldBeNull();
        second.Document.QuerySelector("input[name$='Cvc']").ShouldBeNull();
        var secondChallenge = await buyer.SubmitAsync(second, "Pay");
        secondChallenge.Heading.ShouldBe("Authentication required");
        (await buyer.SubmitAsync(secondChallenge, "Complete authentication")).Text.ShouldContain("Payment approved");

        var order = await api.GetAsync("/api/v1/orders/order-2");
        order.Status.ShouldBe(HttpStatusCode.OK, order.ToString());
        order.Json["status"]!.GetValue<string>().ShouldBe("APPROVED");
        var operation = order.Json["operations"]!.AsArray().ShouldHaveSingleItem()!;
        (operation["operationResult"]!.GetValue<string>(), operation["amount"]!.GetValue<long>(), operation["threeDSecureChallenged"]!.GetValue<bool>())
            .ShouldBe(("APPROVED", 999L, true));

        // 4. Deactivation, then the contract can never be charged again.
        var deactivated = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-3");
        deactivated.Status.ShouldBe(HttpStatusCode.OK, deactivated.ToString());
        deactivated.Json["status"]!.GetValue<string>().ShouldBe("DEACTIVATED");
        var refused = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-3", "SUBSEQUENT_PAYMENT", "contract-1"), "key-4");
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.ToString());
        refused.ContentType.ShouldBe("application/problem+json");
        refused.ErrorsOf("paymentSession.recurrence.contractId").ShouldHaveSingleItem().ShouldContain("can never be charged again");

        var stored = await gateway.WithDbAsync(db => db.Contracts.SingleAsync());
        (stored.State, stored.Payments, stored.EncryptedPan.Length).ShouldBe((ContractState.Deactivated, 2, 0));
    }
}
