using System.Globalization;
using System.Net;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// The Contracts section of /account/customers/{id}: the customer's CIT contracts at the person's own
/// shops, the card masked as the buyer sees it (as first answered over HTTP), and deactivation over
/// the circuit by an owner or administrator, confirmed in a dialog and audited, after which the API
/// refuses to charge the contract (bUnit, on a real gateway).
/// </summary>
public sealed class CustomerContractTests : IAsyncLifetime, IDisposable
{
    private const string Jane = "jane-1";

    private readonly GatewayFactory gateway = NewGateway();
    private AccountPageContext? circuit;

    // Made on first use: it starts the gateway, which must first be given the API's seeded key (MerchantApi.Of).
    private AccountPageContext context => circuit ??= new AccountPageContext(gateway);

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 disposes a test class through IAsyncLifetime and IDisposable, not IAsyncDisposable.
    public async Task DisposeAsync()
    {
        if (circuit is not null)
        {
            await circuit.DisposeAsync();
        }
    }

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Section_lists_active_and_deactivated_contracts_with_the_masked_card_only()
    {
        await ContractAsync(gateway, Jane, "contract-old", card: Mastercard);
        var later = gateway.Clock.GetUtcNow().UtcDateTime;
        await DeactivateInDbAsync("contract-old", later);
        gateway.Clock.Advance(TimeSpan.FromHours(1));
        var created = (await StoredContractAsync(gateway, await ContractAsync(gateway, Jane, "contract-1", payments: 3))).CreatedAt;
        await ContractAsync(gateway, Jane, "contract-pending", activate: false);
        var staff = await SignedInAsync(StaffRoles.Staff);

        var page = await staff.GetAsync(await CustomerUrlAsync());

        var rows = Cells(page, "Contracts");
        rows.Count.ShouldBe(2);
        rows[0][..7].ShouldBe(["contract-1", "Demo Credits Shop", "Visa •••• 4242", "12/30", "Active", CustomerWords.Time(created), "3"]);
        rows[1][..5].ShouldBe(["contract-old", "Demo Credits Shop", "Mastercard •••• 4444", "12/30", $"Deactivated {CustomerWords.Time(later)}"]);
        rows[1][6].ShouldBe("1");
        // The first payment of a pending contract is still under way: it is nobody's yet, as in the API.
        page.Html.ShouldNotContain("contract-pending");
        // Brand and last four only: never the number, nor its BIN.
        page.Html.ShouldNotContain("4242424242424242");
        page.Html.ShouldNotContain("424242");
        page.Html.ShouldNotContain("555555");
    }

    [Fact]
    public async Task Customer_without_contracts_has_an_empty_state()
    {
        await FirstPurchaseAsync(gateway, Jane);
        await ContractAsync(gateway, Jane, "contract-pending", activate: false);
        var staff = await SignedInAsync(StaffRoles.Staff);

        var page = await staff.GetAsync(await CustomerUrlAsync());

        Cells(page, "Contracts").ShouldBeEmpty();
        page.Text.ShouldContain("No contracts at your shops.");
    }

    [Fact]
    public async Task Union_of_two_merchants_shows_each_only_their_own_shops_contracts()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        await ContractAsync(gateway, Jane, "ours-1");
        await ContractAsync(gateway, Jane, "theirs-1", OtherShopId, Mastercard);
        var url = await CustomerUrlAsync();
        var ours = await SignedInAsync(StaffRoles.Owner);
        var theirs = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, merchantId: null);

        var ourPage = await ours.GetAsync(url);
        var theirPage = await theirs.GetAsync(url);

        Cells(ourPage, "Contracts").Select(r => r[0]).ShouldBe(["ours-1"]);
        ourPage.Html.ShouldNotContain("theirs-1");
        Cells(theirPage, "Contracts").Select(r => (r[0], r[1], r[2])).ShouldBe([("theirs-1", "Other Shop", "Mastercard •••• 4444")]);
        theirPage.Html.ShouldNotContain("ours-1");
        Cells(await admin.GetAsync(url), "Contracts").Select(r => r[0]).Order(StringComparer.Ordinal).ShouldBe(["ours-1", "theirs-1"]);
    }

    [Fact]
    public async Task Deactivation_while_a_payment_on_the_contract_awaits_the_acquirer_changes_nothing_and_says_try_again()
    {
        var api = MerchantApi.Of(gateway);
        var id = await ContractAsync(gateway, "cust-1", "contract-1");
        (await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "SUBSEQUENT_PAYMENT", "contract-1"))).Status.ShouldBe(HttpStatusCode.OK);
        await gateway.WithDbAsync(async db =>
        {
            // The payment has taken the order and the acquirer is deciding.
            var order = await db.Orders.SingleAsync(o => o.ReferenceId == "order-1");
            order.StartPayment(gateway.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        var page = await OpenAsync(StaffRoles.Owner, "cust-1");

        PressAndAnswer(page, "Deactivate contract contract-1", "Yes, deactivate contract");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.ShouldContain("being authorised right now"));
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Active);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Owner_deactivates_after_confirming_it_is_audited_and_the_api_then_refuses_the_contract()
    {
        var api = MerchantApi.Of(gateway);
        var id = await ContractAsync(gateway, "cust-1", "contract-1");
        // It could be charged until now.
        (await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-1", "SUBSEQUENT_PAYMENT", "contract-1"), "key-1")).Status.ShouldBe(HttpStatusCode.OK);
        var merchantId = await BackOfficeStaff.SeededMerchantIdAsync(gateway);
        await context.ActAsNewAsync(StaffRoles.Owner, merchantId, "owner@shop.test");
        var page = await OpenCustomerAsync(context, (await CustomerAsync(gateway, "cust-1")).Id);

        page.Press("Deactivate contract contract-1");
        page.WaitForAssertion(() => page.Find(".mud-dialog").TextContent.ShouldContain("Deactivate contract contract-1?"));
        page.Find(".mud-dialog").TextContent.ShouldContain("Visa •••• 4242 (expires 12/30) at Demo Credits Shop can never be charged again");
        page.Press("Keep the contract");
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Active);
        gateway.Clock.Advance(TimeSpan.FromMinutes(5));
        var before = gateway.Clock.GetUtcNow().UtcDateTime;

        PressAndAnswer(page, "Deactivate contract contract-1", "Yes, deactivate contract");

        page.Snackbar().ShouldContain("Contract contract-1 was deactivated: it can never be charged again.");
        var stored = await StoredContractAsync(gateway, id);
        stored.State.ShouldBe(ContractState.Deactivated);
        stored.DeactivatedAt!.Value.ShouldBeInRange(before, gateway.Clock.GetUtcNow().UtcDateTime);
        stored.EncryptedPan.ShouldBeEmpty();
        page.WaitForAssertion(() => Cells(page, "Contracts").Single()[4].ShouldBe($"Deactivated {CustomerWords.Time(stored.DeactivatedAt.Value)}"));
        page.FindAll("button").Select(b => b.TextContent.Trim()).ShouldNotContain("Deactivate contract contract-1");
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        var customer = await CustomerAsync(gateway, "cust-1");
        (entry.Action, entry.MerchantId, entry.UserEmail, entry.Subject).ShouldBe((OneClick.Web.Features.Contracts.Commands.DeactivateContract.Action, (int?)merchantId, "owner@shop.test", $"customer {customer.Id} (cust-1)"));
        entry.Before.ShouldBe($$"""{"contract":"contract-1","shop":{{GatewayFactory.ShopId}},"card":"Visa •••• 4242","status":"Active"}""".Replace("•", "\\u2022", StringComparison.Ordinal));
        entry.After!.ShouldContain("\"status\":\"Deactivated\"");
        (entry.Before + entry.After).ShouldNotContain("424242");

        var refused = await api.PostAsync("/api/v1/orders/hpp", MerchantApi.OrderBody("order-2", "SUBSEQUENT_PAYMENT", "contract-1"), "key-2");
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.ToString());
        refused.ErrorsOf("paymentSession.recurrence.contractId").ShouldHaveSingleItem().ShouldContain("can never be charged again");
        (await api.GetAsync("/api/v1/contracts/customers/cust-1")).Json["contracts"]![0]!["status"]!.GetValue<string>().ShouldBe("DEACTIVATED");
    }

    [Fact]
    public async Task Administrator_deactivation_is_audited_for_the_contracts_merchant()
    {
        var id = await ContractAsync(gateway, Jane, "contract-1");
        var page = await OpenAsync(StaffRoles.Administrator);

        PressAndAnswer(page, "Deactivate contract contract-1", "Yes, deactivate contract");

        page.Snackbar().ShouldContain("was deactivated");
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Deactivated);
        var entry = await gateway.WithDbAsync(db => db.AuditEntries.SingleAsync());
        entry.Action.ShouldBe(OneClick.Web.Features.Contracts.Commands.DeactivateContract.Action);
        entry.MerchantId.ShouldBe(await BackOfficeStaff.SeededMerchantIdAsync(gateway));
    }

    [Fact]
    public async Task Owner_of_a_union_shared_with_another_merchant_deactivates_their_own_shops_contract()
    {
        await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        var id = await ContractAsync(gateway, Jane, "contract-1");
        var page = await OpenAsync(StaffRoles.Owner);

        PressAndAnswer(page, "Deactivate contract contract-1", "Yes, deactivate contract");

        // A contract is one shop's: no administrator is needed, as for a Deny in a shared union.
        page.Snackbar().ShouldContain("was deactivated");
        (await StoredContractAsync(gateway, id)).State.ShouldBe(ContractState.Deactivated);
    }

    [Fact]
    public async Task Deactivation_from_a_page_opened_before_another_tab_deactivated_it_changes_nothing_more()
    {
        var id = await ContractAsync(gateway, Jane, "contract-1");
        var page = await OpenAsync(StaffRoles.Owner);
        var customer = await CustomerAsync(gateway, Jane);
        (await context.RunAsync((DeactivateCustomerContract contracts) => contracts.RunAsync(customer.Id, id, CancellationToken.None)))
            .ShouldBeOfType<DeactivateCustomerContractOutcome.Deactivated>();
        var first = (await StoredContractAsync(gateway, id)).DeactivatedAt;
        gateway.Clock.Advance(TimeSpan.FromMinutes(5));

        PressAndAnswer(page, "Deactivate contract contract-1", "Yes, deactivate contract");

        page.Snackbar().ShouldContain("Nothing to change");
        (await StoredContractAsync(gateway, id)).DeactivatedAt.ShouldBe(first);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Contract_of_another_customer_cannot_be_deactivated_through_this_customer()
    {
        await ContractAsync(gateway, Jane, "contract-1");
        var johns = await ContractAsync(gateway, "john-2", "contract-2", card: Mastercard);
        var jane = await CustomerAsync(gateway, Jane);
        await context.ActAsNewAsync(StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var forged = await context.RunAsync((DeactivateCustomerContract contracts) => contracts.RunAsync(jane.Id, johns, CancellationToken.None));

        forged.ShouldBeOfType<DeactivateCustomerContractOutcome.NotFound>();
        (await gateway.WithDbAsync(db => db.Contracts.CountAsync(c => c.State == ContractState.Active))).ShouldBe(2);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }

    private async Task DeactivateInDbAsync(string contractId, DateTime at) => await gateway.WithDbAsync(async db =>
    {
        (await db.Contracts.SingleAsync(c => c.ContractId == contractId)).Deactivate(at);
        return await db.SaveChangesAsync();
    });

    private async Task<Buyer> SignedInAsync(string role) =>
        await BackOfficeStaff.SignedInAsync(gateway, role, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

    /// <summary>The customer's page as a new person of this role (of the seeded merchant, unless an administrator) sees it over their circuit.</summary>
    private async Task<IRenderedComponent<CustomerPage>> OpenAsync(string role, string number = Jane)
    {
        await context.ActAsNewAsync(role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        return await OpenCustomerAsync(context, (await CustomerAsync(gateway, number)).Id);
    }

    private async Task<string> CustomerUrlAsync(string number = Jane) =>
        $"/account/customers/{(await CustomerAsync(gateway, number)).Id.ToString(CultureInfo.InvariantCulture)}";
}
