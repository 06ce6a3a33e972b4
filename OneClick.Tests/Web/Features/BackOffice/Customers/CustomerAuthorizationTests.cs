using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// The Customers slice of the authorization matrix. Pages (the first answer, over HTTP): the list and
/// a customer's page. Changes, made over the circuit: Set Deny, Set Member, remove a card, each run
/// as the person's circuit would run it, whatever their page shows them. Anonymous: the log-in page,
/// and a circuit with no person does nothing. Staff and owners of the customer's merchant, and
/// administrators: allowed. Staff and owners of another merchant, with this merchant's ids: nothing
/// listed, 404, and nothing changed.
/// </summary>
public sealed class CustomerAuthorizationTests : IDisposable
{
    private const string Jane = "jane-1";
    private const string Olga = "olga-7";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Anonymous_gets_the_login_page_for_every_page_and_a_circuit_without_a_person_changes_nothing()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (url, customerId, cardId) = await JaneAsync();
        var client = gateway.CreatePlainClient();

        foreach (var page in new[] { "/account/customers", "/account/customers?q=jane", url })
        {
            var response = await client.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.AbsolutePath.ShouldBe("/account/login", page);
        }

        await using var circuit = new AccountPageContext(gateway);
        await Should.ThrowAsync<StaffSessionEndedException>(() => circuit.RunAsync((SetCustomerStatus statuses) => statuses.RunAsync(customerId, CustomerStatus.Deny, CancellationToken.None)));
        await Should.ThrowAsync<StaffSessionEndedException>(() => circuit.RunAsync((RemoveSavedCard cards) => cards.RunAsync(customerId, cardId, CancellationToken.None)));
        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    [InlineData(StaffRoles.Administrator)]
    public async Task Own_merchant_and_administrator_open_every_page_and_make_every_change(string role)
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (url, customerId, cardId) = await JaneAsync();
        var email = $"{role.ToLowerInvariant()}@customers.test";
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway), email);

        var page = await person.GetAsync(url);

        (await person.GetAsync("/account/customers")).Status.ShouldBe(HttpStatusCode.OK);
        (await ListAsPersonAsync(gateway, email)).Numbers.ShouldContain(Jane);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Heading.ShouldBe($"Customer {Jane}");
        (await AccountPageContext.RunAsPersonAsync(gateway, email, (SetCustomerStatus statuses) => statuses.RunAsync(customerId, CustomerStatus.Deny, CancellationToken.None)))
            .ShouldBeOfType<SetCustomerStatusOutcome.Changed>();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        (await AccountPageContext.RunAsPersonAsync(gateway, email, (SetCustomerStatus statuses) => statuses.RunAsync(customerId, CustomerStatus.Member, CancellationToken.None)))
            .ShouldBeOfType<SetCustomerStatusOutcome.Changed>();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await AccountPageContext.RunAsPersonAsync(gateway, email, (RemoveSavedCard cards) => cards.RunAsync(customerId, cardId, CancellationToken.None)))
            .ShouldBeOfType<RemoveSavedCardOutcome.Removed>();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(3);
    }

    [Fact]
    public async Task Administrator_lists_the_customers_of_every_merchant()
    {
        await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, merchantId: null, "admin@customers.test");

        (await ListAsPersonAsync(gateway, "admin@customers.test")).Numbers.ShouldBe([Jane, Olga]);
        (await admin.GetAsync($"/account/customers/{(await CustomerAsync(gateway, Olga, OtherShopId)).Id}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_sees_no_row_and_gets_404_for_this_merchants_customer(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var (url, _, _) = await JaneAsync();
        var email = $"{role.ToLowerInvariant()}@other.test";
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant, email);

        var list = await ListAsPersonAsync(gateway, email);
        var search = await ListAsPersonAsync(gateway, email, "?q=" + Jane);
        var page = await outsider.GetAsync(url);

        list.Numbers.ShouldBeEmpty();
        search.Numbers.ShouldBeEmpty();
        page.Status.ShouldBe(HttpStatusCode.NotFound);
        foreach (var html in new[] { list.Markup, page.Html })
        {
            html.ShouldNotContain(Jane);
            html.ShouldNotContain("•••• 4242");
            html.ShouldNotContain("424242");
        }

        // The search shows what they typed, and nothing of Jane.
        // Markup carries random ids (the popovers'): the card is looked for as a page would show it.
        search.Markup.ShouldNotContain("•••• 4242");
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_changing_this_merchants_customer_is_answered_as_unknown_and_changes_nothing(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var (_, customerId, cardId) = await JaneAsync();
        var email = $"{role.ToLowerInvariant()}@other.test";
        await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant, email);

        (await AccountPageContext.RunAsPersonAsync(gateway, email, (SetCustomerStatus statuses) => statuses.RunAsync(customerId, CustomerStatus.Deny, CancellationToken.None)))
            .ShouldBeOfType<SetCustomerStatusOutcome.NotFound>();
        (await AccountPageContext.RunAsPersonAsync(gateway, email, (RemoveSavedCard cards) => cards.RunAsync(customerId, cardId, CancellationToken.None)))
            .ShouldBeOfType<RemoveSavedCardOutcome.NotFound>();
        await NothingChangedAsync();
    }

    [Fact]
    public async Task Set_Member_from_another_merchant_does_not_lift_this_merchants_Deny()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var (_, customerId, _) = await JaneAsync();
        (await SetStatusAsync(gateway, Jane, CustomerStatus.Deny)).ShouldBeOfType<SetCustomerStatusOutcome.Changed>();
        await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant, "owner@other.test");

        var forged = await AccountPageContext.RunAsPersonAsync(gateway, "owner@other.test", (SetCustomerStatus statuses) => statuses.RunAsync(customerId, CustomerStatus.Member, CancellationToken.None));

        forged.ShouldBeOfType<SetCustomerStatusOutcome.NotFound>();
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
    }

    private async Task<(string Url, long CustomerId, long CardId)> JaneAsync()
    {
        var id = (await CustomerAsync(gateway, Jane)).Id;
        var card = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.Wallet.CustomerId == id).Select(c => c.Id).SingleAsync());
        return ($"/account/customers/{id.ToString(CultureInfo.InvariantCulture)}", id, card);
    }

    private async Task NothingChangedAsync()
    {
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt != null))).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action.StartsWith("customer.")))).ShouldBe(0);
    }
}
