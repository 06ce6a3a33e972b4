using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// The Customers slice of the authorization matrix. Pages: the list, a customer's page, the remove
/// confirmation. Posts: Set Deny, Set Member, remove a card. Anonymous: the log-in page. Staff and
/// owners of the customer's merchant, and administrators: allowed. Staff and owners of another
/// merchant, with this merchant's ids: nothing listed, 404, and nothing changed.
/// </summary>
public sealed class CustomerAuthorizationTests : IDisposable
{
    private const string Jane = "jane-1";
    private const string Olga = "olga-7";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Anonymous_gets_the_login_page_for_every_page_and_post()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (url, cardId) = await JaneAsync();
        var client = gateway.CreatePlainClient();

        foreach (var page in new[] { "/account/customers", "/account/customers?q=jane", url, $"{url}?remove={cardId}" })
        {
            var response = await client.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.AbsolutePath.ShouldBe("/account/login", page);
        }

        foreach (var form in Posts(cardId))
        {
            var response = await client.PostAsync(url, new FormUrlEncodedContent(form));
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        }

        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    [InlineData(StaffRoles.Administrator)]
    public async Task Own_merchant_and_administrator_open_every_page_and_post_every_form(string role)
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (url, cardId) = await JaneAsync();
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var list = await person.GetAsync("/account/customers");
        var page = await person.GetAsync(url);
        var confirm = await person.GetAsync($"{url}?remove={cardId}");

        list.Status.ShouldBe(HttpStatusCode.OK);
        Numbers(list).ShouldContain(Jane);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Heading.ShouldBe($"Customer {Jane}");
        confirm.Text.ShouldContain("Remove this card?");
        var denied = await person.SubmitAsync(page, "Set Deny");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
        await person.SubmitAsync(denied, "Set Member");
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await person.SubmitAsync(confirm, "Yes, remove card")).Text.ShouldContain("The card was removed.");
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(3);
    }

    [Fact]
    public async Task Administrator_lists_the_customers_of_every_merchant()
    {
        await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey);
        var admin = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Administrator, merchantId: null);

        Numbers(await admin.GetAsync("/account/customers")).ShouldBe([Jane, Olga]);
        (await admin.GetAsync($"/account/customers/{(await CustomerAsync(gateway, Olga, OtherShopId)).Id}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_sees_no_row_and_gets_404_for_this_merchants_customer(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        var (url, cardId) = await JaneAsync();
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant);

        var list = await outsider.GetAsync("/account/customers");
        var search = await outsider.GetAsync("/account/customers?q=" + Jane);
        var page = await outsider.GetAsync(url);
        var confirm = await outsider.GetAsync($"{url}?remove={cardId}");

        list.Status.ShouldBe(HttpStatusCode.OK);
        Numbers(list).ShouldBeEmpty();
        Numbers(search).ShouldBeEmpty();
        page.Status.ShouldBe(HttpStatusCode.NotFound);
        confirm.Status.ShouldBe(HttpStatusCode.NotFound);
        foreach (var html in new[] { list.Html, page.Html, confirm.Html })
        {
            html.ShouldNotContain(Jane);
            html.ShouldNotContain("4242");
        }
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_posting_to_this_merchants_customer_is_refused_and_changes_nothing(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey, card: Mastercard);
        var (url, cardId) = await JaneAsync();
        var olga = await CustomerAsync(gateway, Olga, OtherShopId);
        var olgasCard = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.LastFour == "4444").Select(c => c.Id).SingleAsync());
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant);
        // Their own customer's forms, with valid antiforgery tokens, aimed at this merchant's customer.
        var own = await outsider.GetAsync($"/account/customers/{olga.Id}?remove={olgasCard}");

        var deny = await outsider.SubmitAsync(AimedAt(own, url), "Set Deny");
        var remove = await outsider.SubmitAsync(AimedAt(own, $"{url}?remove={cardId}"), "Yes, remove card", new() { ["Removal.CardId"] = cardId });

        deny.Status.ShouldBe(HttpStatusCode.NotFound, deny.Html);
        remove.Status.ShouldBe(HttpStatusCode.NotFound);
        deny.Html.ShouldNotContain(Jane);
        remove.Html.ShouldNotContain(Jane);
        await NothingChangedAsync();
    }

    [Fact]
    public async Task Set_Member_from_another_merchant_does_not_lift_this_merchants_Deny()
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await FirstPurchaseAsync(gateway, Jane);
        await FirstPurchaseAsync(gateway, Olga, OtherShopId, OtherKey);
        var (url, _) = await JaneAsync();
        var ours = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));
        await ours.SubmitAsync(await ours.GetAsync(url), "Set Deny");
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, otherMerchant);
        var olgaUrl = $"/account/customers/{(await CustomerAsync(gateway, Olga, OtherShopId)).Id}";
        var own = await outsider.SubmitAsync(await outsider.GetAsync(olgaUrl), "Set Deny");

        var forged = await outsider.SubmitAsync(AimedAt(own, url), "Set Member");

        forged.Status.ShouldBe(HttpStatusCode.NotFound);
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Deny);
    }

    [Fact]
    public async Task Post_without_the_antiforgery_token_is_refused()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var (url, cardId) = await JaneAsync();
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        foreach (var form in Posts(cardId))
        {
            (await staff.Client.PostAsync(url, new FormUrlEncodedContent(form))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        await NothingChangedAsync();
    }

    /// <summary>The three posts of the customer page, as a forger would send them (no antiforgery token).</summary>
    private static IEnumerable<Dictionary<string, string>> Posts(string cardId) =>
    [
        new() { ["_handler"] = "customer-status", ["Change.Status"] = "Deny" },
        new() { ["_handler"] = "customer-status", ["Change.Status"] = "Member" },
        new() { ["_handler"] = "remove-card", ["Removal.CardId"] = cardId },
    ];

    /// <summary>The page with its forms' action changed to another customer's page, as a forger would.</summary>
    private static Page AimedAt(Page page, string url)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page.Html);
        foreach (var form in document.QuerySelectorAll("form[method=post]").Where(f => f.GetAttribute("action") != "/account/logout"))
        {
            form.SetAttribute("action", url);
        }

        return page with { Document = document };
    }

    private async Task<(string Url, string CardId)> JaneAsync()
    {
        var id = (await CustomerAsync(gateway, Jane)).Id;
        var card = await gateway.WithDbAsync(db => db.SavedCards.Where(c => c.Wallet.CustomerId == id).Select(c => c.Id).SingleAsync());
        return ($"/account/customers/{id.ToString(CultureInfo.InvariantCulture)}", card.ToString(CultureInfo.InvariantCulture));
    }

    private async Task NothingChangedAsync()
    {
        (await CustomerAsync(gateway, Jane)).Status.ShouldBe(CustomerStatus.Member);
        (await gateway.WithDbAsync(db => db.SavedCards.CountAsync(c => c.DeletedAt != null))).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action.StartsWith("customer.")))).ShouldBe(0);
    }
}
