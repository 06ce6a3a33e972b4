using System.Net;
using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Tests.DemoShop;

/// <summary>
/// The demo shop's "Send my user id as customerNumber" (docs/protocol.md section 3, section 4 rules 4
/// and 5): on by default, the user id goes signed in every startorder, so that the gateway keeps the
/// user's cards in their customer wallet; off, it is left out and the browser's wallet is used. The
/// choice is the user's, in every browser they use, and only their own browser can change it.
/// </summary>
public sealed class WalletChoiceTests : IAsyncLifetime
{
    private DemoShopClient shop = default!;

    public async Task InitializeAsync() => shop = await DemoShopClient.StartAsync();

    public async Task DisposeAsync() => await shop.DisposeAsync();

    [Fact]
    public async Task By_default_every_startorder_carries_the_user_id_as_signed_customerNumber()
    {
        (await shop.SendsCustomerNumberOnPageAsync()).ShouldBeTrue();
        var user = await shop.CurrentUserAsync();

        var buy = await shop.BuyAsync(100);
        var oneClick = await shop.BuyWithOneClickAsync(500);

        foreach (var startOrder in new[] { buy, oneClick })
        {
            startOrder["customerNumber"].ShouldBe(user);
            startOrder["customerNumber"].ShouldMatch("^[A-Za-z0-9._-]{1,32}$");
            FlexPaySignature.VerifyRequest(startOrder["signature"], [DemoShopClient.SignatureKey], startOrder, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
            // The signature covers it: another customer's number does not pass.
            var forged = new Dictionary<string, string>(startOrder, StringComparer.Ordinal) { ["customerNumber"] = "user-00000000" };
            FlexPaySignature.VerifyRequest(startOrder["signature"], [DemoShopClient.SignatureKey], forged, StartOrderParser.Names, allowSha1: false).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task Cleared_the_startorder_leaves_customerNumber_out_and_ticked_again_sends_it()
    {
        var user = await shop.CurrentUserAsync();

        using (var saved = await shop.ChooseWalletAsync(sendCustomerNumber: false))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
            saved.Headers.Location.ShouldNotBeNull().OriginalString.ShouldBe("/");
        }

        (await shop.SendsCustomerNumberOnPageAsync()).ShouldBeFalse();
        var plain = await shop.BuyAsync(100);
        plain.ShouldNotContainKey("customerNumber");
        plain["custom1"].ShouldBe(user);
        FlexPaySignature.VerifyRequest(plain["signature"], [DemoShopClient.SignatureKey], plain, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
        (await shop.BuyWithOneClickAsync(100)).ShouldNotContainKey("customerNumber");

        (await shop.ChooseWalletAsync(sendCustomerNumber: true)).Dispose();

        (await shop.SendsCustomerNumberOnPageAsync()).ShouldBeTrue();
        (await shop.BuyAsync(100))["customerNumber"].ShouldBe(user);
    }

    [Fact]
    public async Task The_choice_is_the_users_in_another_browser_too_and_not_another_users()
    {
        var user = await shop.CurrentUserAsync();
        (await shop.ChooseWalletAsync(sendCustomerNumber: false)).Dispose();
        await using var other = shop.OtherBrowser();
        (await other.SendsCustomerNumberOnPageAsync()).ShouldBeTrue("another user keeps the default");

        await other.VisitAsync("/?user=" + user);

        (await other.SendsCustomerNumberOnPageAsync()).ShouldBeFalse();
        (await other.BuyAsync(100)).ShouldNotContainKey("customerNumber");
    }

    [Fact]
    public async Task Only_the_users_own_browser_on_the_shop_can_change_it()
    {
        (await shop.SendsCustomerNumberOnPageAsync()).ShouldBeTrue();

        // A form posted from another site: the browser says so, by Sec-Fetch-Site or by Origin.
        using (var foreign = await shop.ChooseWalletAsync(sendCustomerNumber: false, origin: "null", fetchSite: "cross-site"))
        {
            foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var foreign = await shop.ChooseWalletAsync(sendCustomerNumber: false, origin: "https://evil.example"))
        {
            foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        // Without the user cookie (SameSite=Lax leaves it out of a cross-site post): nobody's to change.
        await using var stranger = shop.OtherBrowser();
        using (var anonymous = await stranger.ChooseWalletAsync(sendCustomerNumber: false))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await shop.SendsCustomerNumberOnPageAsync()).ShouldBeTrue();
        (await shop.BuyAsync(100)).ShouldContainKey("customerNumber");
        // As Chromium posts the shop page's form (Origin null under Referrer-Policy no-referrer).
        using var own = await shop.ChooseWalletAsync(sendCustomerNumber: false, origin: "null", fetchSite: "same-origin");
        own.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await shop.BuyAsync(100)).ShouldNotContainKey("customerNumber");
    }
}
