using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Contracts;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Staff;
using static OneClick.Tests.Web.Features.BackOffice.Customers.CustomerSteps;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>
/// The contracts slice of the authorization matrix. Page: the deactivate confirmation. Post:
/// deactivate a contract. Anonymous: the log-in page. Owners of the contract's merchant and
/// administrators: allowed. Staff of that merchant: they see the contracts but may not deactivate.
/// Staff and owners of another merchant, with this merchant's ids: 404 as for an unknown id, and
/// nothing changed. A post without the antiforgery token: 400.
/// </summary>
public sealed class CustomerContractAuthorizationTests : IDisposable
{
    private const string Jane = "jane-1";
    private const string Olga = "olga-7";

    private readonly GatewayFactory gateway = NewGateway();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Anonymous_gets_the_login_page_for_the_confirmation_and_the_post()
    {
        var (url, contractId) = await JanesContractAsync();
        var client = gateway.CreatePlainClient();

        var confirm = await client.GetAsync($"{url}?deactivate={contractId}");
        var post = await client.PostAsync(url, new FormUrlEncodedContent(Post(contractId)));

        confirm.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        confirm.Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.AbsolutePath.ShouldBe("/account/login");
        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Owner)]
    [InlineData(StaffRoles.Administrator)]
    public async Task Owner_and_administrator_open_the_confirmation_and_deactivate(string role)
    {
        var (url, _) = await JanesContractAsync();
        var person = await BackOfficeStaff.SignedInAsync(gateway, role, role == StaffRoles.Administrator ? null : await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await person.GetAsync(url);
        var confirm = await person.GetAsync(page.LinkHref("Deactivate contract contract-1")!);
        var done = await person.SubmitAsync(confirm, "Yes, deactivate contract");

        done.Text.ShouldContain("The contract was deactivated");
        (await ContractStateAsync()).ShouldBe(ContractState.Deactivated);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Staff_member_sees_the_contracts_but_cannot_deactivate_one()
    {
        var (url, contractId) = await JanesContractAsync();
        var staff = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Staff, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var page = await staff.GetAsync(url);
        var confirm = await staff.GetAsync($"{url}?deactivate={contractId}");
        // The page's own form and antiforgery token, posted as the deactivation.
        var forged = await staff.SubmitAsync(page, "Set Deny", DeactivationOf(contractId));

        Cells(page, "Contracts").Single()[0].ShouldBe("contract-1");
        page.LinkHref("Deactivate contract contract-1").ShouldBeNull();
        page.Text.ShouldContain("Only an owner of your merchant can deactivate a contract.");
        confirm.Status.ShouldBe(HttpStatusCode.OK);
        confirm.Text.ShouldContain("Only an owner of your merchant or an administrator can deactivate a contract.");
        confirm.Text.ShouldNotContain("Yes, deactivate contract");
        forged.Url.ShouldEndWith("/account/denied");
        forged.Heading.ShouldBe("Not allowed");
        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_gets_404_for_the_confirmation_and_the_post_and_changes_nothing(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        var (url, contractId) = await JanesContractAsync();
        await ContractAsync(gateway, Olga, "olgas-1", OtherShopId, Mastercard);
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant);
        // Their own customer's page, with a valid antiforgery token, aimed at this merchant's customer.
        var own = await outsider.GetAsync($"/account/customers/{(await CustomerAsync(gateway, Olga, OtherShopId)).Id}");

        var confirm = await outsider.GetAsync($"{url}?deactivate={contractId}");
        var forged = await outsider.SubmitAsync(AimedAt(own, url), "Set Deny", DeactivationOf(contractId));
        var unknown = await outsider.SubmitAsync(AimedAt(own, url), "Set Deny", DeactivationOf("999999"));

        confirm.Status.ShouldBe(HttpStatusCode.NotFound);
        forged.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        forged.Text.ShouldBe(unknown.Text);
        foreach (var html in new[] { confirm.Html, forged.Html })
        {
            html.ShouldNotContain("contract-1");
            html.ShouldNotContain(Jane);
        }

        await NothingChangedAsync();
    }

    [Theory]
    [InlineData(StaffRoles.Staff)]
    [InlineData(StaffRoles.Owner)]
    public async Task Other_merchant_in_a_shared_union_sees_and_deactivates_none_of_this_merchants_contracts(string role)
    {
        var otherMerchant = await AddOtherMerchantShopAsync(gateway);
        await JoinUnionAsync(gateway, OtherShopId, GatewayFactory.ShopId);
        var (url, contractId) = await JanesContractAsync();
        var outsider = await BackOfficeStaff.SignedInAsync(gateway, role, otherMerchant);

        // The customer is theirs too (the union): the page opens, this merchant's contract does not show.
        var page = await outsider.GetAsync(url);
        var confirm = await outsider.GetAsync($"{url}?deactivate={contractId}");
        var forged = await outsider.SubmitAsync(page, "Set Deny", DeactivationOf(contractId));

        page.Status.ShouldBe(HttpStatusCode.OK);
        Cells(page, "Contracts").ShouldBeEmpty();
        page.Html.ShouldNotContain("contract-1");
        confirm.Text.ShouldNotContain("Yes, deactivate contract");
        confirm.Html.ShouldNotContain("contract-1");
        forged.Status.ShouldBe(HttpStatusCode.NotFound);
        await NothingChangedAsync();
    }

    [Fact]
    public async Task Post_without_the_antiforgery_token_is_refused()
    {
        var (url, contractId) = await JanesContractAsync();
        var owner = await BackOfficeStaff.SignedInAsync(gateway, StaffRoles.Owner, await BackOfficeStaff.SeededMerchantIdAsync(gateway));

        var response = await owner.Client.PostAsync($"{url}?deactivate={contractId}", new FormUrlEncodedContent(Post(contractId)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await NothingChangedAsync();
    }

    /// <summary>The deactivation as a forger would send it (no antiforgery token).</summary>
    private static Dictionary<string, string> Post(string contractId) =>
        new() { ["_handler"] = "deactivate-contract", ["Deactivation.ContractId"] = contractId };

    /// <summary>A form of the page turned into the deactivation: its handler, the contract, not the pressed button's field.</summary>
    private static Dictionary<string, string?> DeactivationOf(string contractId) =>
        new() { ["_handler"] = "deactivate-contract", ["Deactivation.ContractId"] = contractId, ["Change.Status"] = null };

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

    private async Task<(string Url, string ContractId)> JanesContractAsync()
    {
        await FirstPurchaseAsync(gateway, Jane);
        var id = await ContractAsync(gateway, Jane, "contract-1");
        return ($"/account/customers/{(await CustomerAsync(gateway, Jane)).Id.ToString(CultureInfo.InvariantCulture)}", id.ToString(CultureInfo.InvariantCulture));
    }

    private Task<ContractState> ContractStateAsync() =>
        gateway.WithDbAsync(db => db.Contracts.Where(c => c.ContractId == "contract-1").Select(c => c.State).SingleAsync());

    private async Task NothingChangedAsync()
    {
        (await ContractStateAsync()).ShouldBe(ContractState.Active);
        (await gateway.WithDbAsync(db => db.Contracts.Where(c => c.ContractId == "contract-1").Select(c => c.EncryptedPan.Length).SingleAsync())).ShouldBeGreaterThan(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync())).ShouldBe(0);
    }
}
