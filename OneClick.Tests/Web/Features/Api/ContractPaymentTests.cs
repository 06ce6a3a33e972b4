using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// The buyer's side of CIT contracts (docs/protocol.md section 7): CONTRACT_CREATION and SUBSEQUENT_PAYMENT
/// on the hosted page, both 3-D Secure authenticated, and what a decline or a deactivation leaves.
/// </summary>
public sealed class ContractPaymentTests : IDisposable
{
    private readonly GatewayFactory gateway = new();
    private readonly MerchantApi api;

    public ContractPaymentTests() => api = ApiOrderFlows.ApiOf(gateway);

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task ContractCreation_with_4242_is_challenged_and_the_contract_stays_pending_until_authenticated()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.GetAsync(created.Path);
        page.Document.GetElementById("contract-notice").ShouldNotBeNull().TextContent.ShouldContain("will save this card");

        var challenge = await buyer.PayAsync(page, Buyer.Visa);

        challenge.Heading.ShouldBe("Authentication required");
        challenge.Text.ShouldContain("Visa •••• 4242");
        (await api.GetAsync("/api/v1/contracts/customers/cust-1")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await api.StatusOfAsync("order-1")).ShouldBe("AWAITING_AUTHENTICATION");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Pending);
        // Nobody charges a pending contract.
        var early = await api.PostAsync(ApiOrderFlows.HostedPagePath, MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        early.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, early.ToString());

        var approved = await buyer.SubmitAsync(challenge, "Complete authentication");

        approved.Heading.ShouldBe("Payment approved");
        var ok = Merchant.VerifiedQuery(approved.RefreshTarget.ShouldNotBeNull());
        (ok["contractId"], ok["securityToken"]).ShouldBe(("contract-1", created.SecurityToken));
        var listed = await api.GetAsync("/api/v1/contracts/customers/cust-1");
        listed.Status.ShouldBe(HttpStatusCode.OK, listed.ToString());
        listed.Json["contracts"]!.AsArray().ShouldHaveSingleItem()!["contractId"]!.GetValue<string>().ShouldBe("contract-1");
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync());
        (sale.Result, sale.ThreeDSecureChallenged).ShouldBe((SaleResult.Approved, true));
    }

    [Fact]
    public async Task ContractCreation_declined_card_leaves_no_contract_and_the_contractId_is_free_again()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);

        var declined = await buyer.PayAsync(await buyer.GetAsync(created.Path), "4000 0000 0000 0002");

        declined.Heading.ShouldBe("Payment declined");
        var fields = CancelFields(declined);
        (fields["saleResult"], fields["securityToken"]).ShouldBe(("DECLINED", created.SecurityToken));
        await AssertNoContractAsync();
        (await api.StatusOfAsync("order-1")).ShouldBe("DECLINED");

        (await api.CreateContractOnPageAsync(buyer, "order-2", "contract-1")).Heading.ShouldBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Active);
    }

    [Fact]
    public async Task ContractCreation_failed_authentication_leaves_no_contract_and_the_contractId_is_free_again()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(created.Path));
        challenge.Heading.ShouldBe("Authentication required");

        var declined = await buyer.SubmitAsync(challenge, "Fail authentication");

        declined.Heading.ShouldBe("Payment declined");
        CancelFields(declined)["saleResult"].ShouldBe("DECLINED");
        (await gateway.WithDbAsync(db => db.Sales.SingleAsync())).DeclineReason.ShouldBe(DeclineReason.AuthenticationFailed);
        await AssertNoContractAsync();

        (await api.CreateContractOnPageAsync(buyer, "order-2", "contract-1")).Heading.ShouldBe("Payment approved");
        var contract = await gateway.WithDbAsync(db => db.Contracts.SingleAsync());
        (contract.State, contract.CreatedByOrderId).ShouldBe((ContractState.Active, (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"))).Id));
    }

    [Fact]
    public async Task ContractCreation_acquirer_error_leaves_no_contract_and_the_buyer_may_try_again_on_the_same_order()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);

        var failed = await buyer.PayAsync(await buyer.GetAsync(created.Path), "4000 0000 0000 0119");

        failed.Document.QuerySelector("[role=alert]").ShouldNotBeNull().TextContent.ShouldBe(DeclineReason.AcquirerUnavailable.ForBuyer());
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
        (await api.StatusOfAsync("order-1")).ShouldBe("OPEN");

        var challenge = await buyer.PayAsync(failed);
        challenge.Heading.ShouldBe("Authentication required");
        (await buyer.SubmitAsync(challenge, "Complete authentication")).Heading.ShouldBe("Payment approved");
        var contract = await gateway.WithDbAsync(db => db.Contracts.SingleAsync());
        (contract.ContractId, contract.State, contract.LastFour).ShouldBe(("contract-1", ContractState.Active, "4242"));
    }

    [Fact]
    public async Task ContractCreation_cancelled_leaves_no_contract_and_the_contractId_is_free_again()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);

        (await buyer.SubmitAsync(await buyer.GetAsync(created.Path), "Cancel and return to")).Url.ShouldStartWith(MerchantApi.CancelUrl + "?");

        await AssertNoContractAsync();
        (await api.CreateContractOnPageAsync(buyer, "order-2", "contract-1")).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task SubsequentPayment_page_shows_the_masked_card_and_asks_for_no_card_number_nor_cvc()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        var page = await Buyer.Of(gateway).GetAsync(created.Path); // another browser: the contract is not the browser's

        page.Heading.ShouldBe("Pay with your saved card");
        page.Text.ShouldContain("Visa •••• 4242");
        page.Text.ShouldNotContain("4242 4242");
        page.Html.ShouldNotContain("424242XXXXXX4242");
        page.Document.QuerySelector("#card-number").ShouldBeNull();
        page.Document.QuerySelectorAll("input").Select(i => i.GetAttribute("name") ?? "").ShouldNotContain(n => n.Contains("Cvc", StringComparison.OrdinalIgnoreCase) || n.Contains("Number", StringComparison.OrdinalIgnoreCase));
        page.Document.QuerySelector("input[autocomplete^=cc-]").ShouldBeNull();
        page.Document.QuerySelectorAll("button:not([data-language])").Select(b => b.TextContent.Trim()).ShouldBe(["Pay 9.99 EUR", "Cancel and return to " + ApiOrderFlows.ShopName]);
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("false")]
    [InlineData("")]
    public async Task SubsequentPayment_post_without_its_buttons_confirmation_pays_nothing(string confirmed)
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));

        var page = await buyer.SubmitAsync(await buyer.GetAsync(created.Path), "Pay", new() { ["ContractPay.Confirmed"] = confirmed });

        page.Heading.ShouldBe("Pay with your saved card");
        (await api.StatusOfAsync("order-2")).ShouldBe("OPEN");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1); // the contract's first payment only
    }

    [Fact]
    public async Task Cancel_post_without_its_buttons_confirmation_cancels_nothing()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1"));
        var buyer = Buyer.Of(gateway);

        var page = await buyer.SubmitAsync(await buyer.GetAsync(created.Path), "Cancel and return to", new() { ["CancelChoice.Confirmed"] = "banana" });

        page.Heading.ShouldBe("Pay by card");
        (await api.StatusOfAsync("order-1")).ShouldBe("OPEN");
    }

    [Fact]
    public async Task SubsequentPayment_contract_deactivated_during_the_challenge_is_declined_ContractDeactivated()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var challenge = await buyer.SubmitAsync(await buyer.GetAsync(created.Path), "Pay");
        challenge.Heading.ShouldBe("Authentication required");

        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);
        var declined = await buyer.SubmitAsync(challenge, "Complete authentication");

        declined.Heading.ShouldBe("Payment declined");
        declined.Text.ShouldContain(DeclineReason.ContractDeactivated.ForBuyer());
        var fields = CancelFields(declined);
        (fields["saleResult"], fields["referenceID"], fields["securityToken"]).ShouldBe(("DECLINED", "order-2", created.SecurityToken));
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"));
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.OrderId == order.Id));
        (order.State, sale.Result, sale.DeclineReason).ShouldBe((OrderState.Declined, SaleResult.Declined, DeclineReason.ContractDeactivated));
        var contract = await gateway.WithDbAsync(db => db.Contracts.SingleAsync());
        (contract.State, contract.Payments).ShouldBe((ContractState.Deactivated, 1));
        var details = await api.GetAsync("/api/v1/orders/order-2");
        details.Json["status"]!.GetValue<string>().ShouldBe("DECLINED");
        var operation = details.Json["operations"]!.AsArray().ShouldHaveSingleItem()!;
        (operation["operationResult"]!.GetValue<string>(), operation["declineReason"]!.GetValue<string>())
            .ShouldBe(("DECLINED", DeclineReason.ContractDeactivated.ForStaff()));
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.Result == SaleResult.Approved))).ShouldBe(1); // the creation only
    }

    [Fact]
    public async Task SubsequentPayment_page_after_deactivation_says_the_card_can_no_longer_be_used_and_a_forged_post_charges_nothing()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var before = await buyer.GetAsync(created.Path); // the page the buyer still holds, with its Pay button
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null)).Status.ShouldBe(HttpStatusCode.OK);

        var page = await buyer.GetAsync(created.Path);
        var forged = await buyer.SubmitAsync(before, "Pay");

        foreach (var shown in new[] { page, forged })
        {
            shown.Document.QuerySelector("[role=alert]").ShouldNotBeNull().TextContent.ShouldContain("The card saved for these payments can no longer be used");
            shown.Text.ShouldNotContain("•••• 4242");
            shown.Document.QuerySelectorAll("button:not([data-language])").Select(b => b.TextContent.Trim()).ShouldNotContain(b => b.StartsWith("Pay", StringComparison.Ordinal));
        }

        var orderId = (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"))).Id;
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderId))).ShouldBe(0);
        (await api.StatusOfAsync("order-2")).ShouldBe("OPEN");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).Payments.ShouldBe(1);
    }

    [Fact]
    public async Task SubsequentPayment_pay_posted_again_during_the_challenge_charges_once()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var page = await buyer.GetAsync(created.Path);

        var first = await buyer.SubmitAsync(page, "Pay");
        var second = await buyer.SubmitAsync(page, "Pay"); // back button, and Pay again

        (first.Heading, second.Heading).ShouldBe(("Authentication required", "Authentication required"));
        (await buyer.SubmitAsync(second, "Complete authentication")).Heading.ShouldBe("Payment approved");
        var orderId = (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"))).Id;
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderId))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).Payments.ShouldBe(2);
    }

    [Fact]
    public async Task SubsequentPayment_forged_card_entry_post_charges_nothing()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var page = await buyer.GetAsync(created.Path);

        // The contract form's antiforgery token, with the card entry form's name and fields.
        var forged = await buyer.SubmitAsync(page, "Pay", new()
        {
            ["_handler"] = "pay",
            ["Card.Number"] = "5555 5555 5555 4444",
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
        });

        forged.Heading.ShouldBe("Pay with your saved card");
        var orderId = (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.ReferenceId == "order-2"))).Id;
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderId))).ShouldBe(0);
    }

    [Fact]
    public async Task SubsequentPayment_contract_form_post_without_antiforgery_token_is_refused()
    {
        var buyer = Buyer.Of(gateway);
        await api.CreateContractOnPageAsync(buyer, "order-1", "contract-1");
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        var page = await buyer.GetAsync(created.Path);

        var response = await buyer.PostWithoutAntiforgeryAsync(page, "contract", new() { ["ContractPay.Confirmed"] = "true" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.StatusOfAsync("order-2")).ShouldBe("OPEN");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1); // the creation only
    }

    [Fact]
    public async Task Authentication_answer_without_antiforgery_token_is_refused()
    {
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.GetAsync(created.Path));

        var response = await buyer.PostWithoutAntiforgeryAsync(challenge, "authenticate", new() { ["Outcome"] = "complete" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.StatusOfAsync("order-1")).ShouldBe("AWAITING_AUTHENTICATION");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).State.ShouldBe(ContractState.Pending);
    }

    [Fact]
    public async Task Contract_cycle_leaves_no_pan_and_no_cvc_in_database_logs_or_pages()
    {
        var buyer = Buyer.Of(gateway);
        var created = await api.CreateAsync(MerchantApi.OrderBody("order-1", "CONTRACT_CREATION", "contract-1"));
        var challenge = await buyer.PayAsync(await buyer.GetAsync(created.Path), "5555 5555 5555 4444", cvc: "731");
        await buyer.SubmitAsync(challenge, "Complete authentication");
        var again = await api.CreateAsync(MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"));
        (await buyer.SubmitAsync(await buyer.SubmitAsync(await buyer.GetAsync(again.Path), "Pay"), "Complete authentication")).Heading.ShouldBe("Payment approved");

        var (raw, values, tables) = await DatabaseFile.ReadAllAsync(gateway);
        tables.ShouldContain("Contracts");
        var logs = gateway.Logs.All;
        logs.ShouldContain("XXXXXX4444"); // the scan reads real logs: the masked number is there
        foreach (var form in new[] { "5555555555554444", "5555 5555 5555 4444" })
        {
            raw.ShouldNotContain(form);
            logs.ShouldNotContain(form);
            buyer.Received.ShouldAllBe(html => !html.Contains(form, StringComparison.Ordinal));
        }

        values.ShouldNotContain("731", "a database column holds the CVC");
        logs.ShouldNotContain("cvc=731", Case.Insensitive);
        logs.ShouldNotContain("\"731\"");
        logs.ShouldNotContain("=731 ");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).Masked.ShouldBe("***4444");
    }


    /// <summary>The signed fields a decline page sends the buyer on with, to the order's cancelUrl.</summary>
    private static Dictionary<string, string> CancelFields(Page declined)
    {
        var target = declined.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith(MerchantApi.CancelUrl + "?");
        return Merchant.VerifiedQuery(target);
    }

    private async Task AssertNoContractAsync()
    {
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync())).ShouldBe(0);
        (await api.GetAsync("/api/v1/contracts/customers/cust-1")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
