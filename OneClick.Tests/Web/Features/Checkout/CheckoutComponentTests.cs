using System.Reflection;
using Bunit;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Checkout;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>The buyer's views rendered alone with bUnit: what a person would see, found by role and text.</summary>
public sealed class CheckoutComponentTests : ComponentTestContext
{
    private static readonly DateTime Now = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void StartOrderError_with_errors_lists_each_parameter_and_rule()
    {
        var view = RenderWithHead<StartOrderError>(new Dictionary<string, object?>
        {
            [nameof(StartOrderError.StatusCode)] = 400,
            [nameof(StartOrderError.Errors)] = new List<ParameterError>
            {
                new("priceAmount", "must be a number."),
                new("backURL", "points to host 'evil.example'."),
            },
        });

        view.Find("h1").TextContent.ShouldBe("This payment request is not valid");
        var items = view.FindAll("[aria-label='Problems with the request'] li").Select(li => li.TextContent).ToList();
        items.ShouldBe(["priceAmount must be a number.", "backURL points to host 'evil.example'."]);
    }

    [Fact]
    public void StartOrderError_for_bad_signature_says_only_that_it_does_not_match()
    {
        var view = RenderWithHead<StartOrderError>(new Dictionary<string, object?>
        {
            [nameof(StartOrderError.StatusCode)] = 403,
            [nameof(StartOrderError.Errors)] = new List<ParameterError>(),
        });

        TextOf(view).ShouldContain("The signature does not match.");
        view.FindAll("li").ShouldBeEmpty();
    }

    [Fact]
    public void ApprovalView_refreshes_to_success_url_within_5_seconds_and_offers_continue()
    {
        var (shop, order, sale) = ApprovedSale();

        var view = RenderWithHead<ApprovalView>(new Dictionary<string, object?>
        {
            [nameof(ApprovalView.Shop)] = shop,
            [nameof(ApprovalView.Order)] = order,
            [nameof(ApprovalView.Sale)] = sale,
        });

        var refresh = view.Find("meta[http-equiv=refresh]").GetAttribute("content")!;
        var seconds = int.Parse(refresh.Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
        seconds.ShouldBeLessThanOrEqualTo(5);
        var target = refresh[(refresh.IndexOf("url=", StringComparison.Ordinal) + 4)..];
        target.ShouldStartWith("https://shop.example/success?shopID=64233&saleID=7");
        LinksNamed(view, "Continue").Single().GetAttribute("href").ShouldBe(target);
        TextOf(view).ShouldContain("Visa •••• 4242");
        TextOf(view).ShouldNotContain("4242424242424242");
    }

    [Fact]
    public void DeclineView_without_decline_url_offers_try_again()
    {
        var (shop, order, sale) = DeclinedSale(closeOrder: false);

        var view = RenderWithHead<DeclineView>(new Dictionary<string, object?>
        {
            [nameof(DeclineView.Shop)] = shop,
            [nameof(DeclineView.Order)] = order,
            [nameof(DeclineView.Sale)] = sale,
        });

        view.Find("h1").TextContent.ShouldBe("Payment declined");
        TextOf(view).ShouldContain("insufficient funds");
        LinksNamed(view, "Try again").Single().GetAttribute("href").ShouldBe($"/order/{order.Id}");
        view.FindAll("meta[http-equiv=refresh]").ShouldBeEmpty();
    }

    [Fact]
    public void DeclineView_with_decline_url_sends_the_buyer_back_with_signed_fields()
    {
        var (shop, order, sale) = DeclinedSale(closeOrder: true);

        var view = RenderWithHead<DeclineView>(new Dictionary<string, object?>
        {
            [nameof(DeclineView.Shop)] = shop,
            [nameof(DeclineView.Order)] = order,
            [nameof(DeclineView.Sale)] = sale,
        });

        var continueLink = LinksNamed(view, "Continue").Single().GetAttribute("href")!;
        continueLink.ShouldStartWith("https://shop.example/declined?shopID=64233&saleID=8&saleResult=DECLINED&signature=");
        view.FindAll("meta[http-equiv=refresh]").ShouldHaveSingleItem();
        LinksNamed(view, "Try again").ShouldBeEmpty();
    }

    [Fact]
    public void OrderSummary_shows_shop_description_and_amount_with_currency()
    {
        var (shop, order, _) = ApprovedSale();

        var view = RenderWithHead<OrderSummary>(new Dictionary<string, object?>
        {
            [nameof(OrderSummary.Shop)] = shop,
            [nameof(OrderSummary.Order)] = order,
        });

        TextOf(view).ShouldContain("Test Shop");
        TextOf(view).ShouldContain("Credits");
        view.Find("[aria-label=Amount]").TextContent.ShouldBe("9.99 EUR");
    }

    private static (Shop Shop, Order Order, Sale Sale) ApprovedSale()
    {
        var (shop, order) = ShopAndOrder();
        order.StartPayment(Now);
        var sale = new Sale(order, CardNumber.Parse("4242424242424242").Number!, Now);
        SetId(sale, 7L);
        sale.Approve("tx-7", Now);
        order.Approve(Now);
        return (shop, order, sale);
    }

    private static (Shop Shop, Order Order, Sale Sale) DeclinedSale(bool closeOrder)
    {
        var (shop, order) = ShopAndOrder();
        if (closeOrder)
        {
            shop.SetUrls(null, new Uri("https://shop.example/declined"), null);
        }

        order.StartPayment(Now);
        var sale = new Sale(order, CardNumber.Parse("4000000000009995").Number!, Now);
        SetId(sale, 8L);
        sale.Decline("tx-8", DeclineReason.InsufficientFunds, Now);
        order.Decline(closeOrder, Now);
        return (shop, order, sale);
    }

    private static (Shop Shop, Order Order) ShopAndOrder()
    {
        var shop = new Shop(64233, 1, "Test Shop", new Uri("https://shop.example/"), Now);
        shop.AddSignatureKey(GatewayFactory.SignatureKey, Now);
        shop.SetUrls(new Uri("https://shop.example/success"), null, null);
        var request = new StartOrderRequest("3.4", 64233, new OneClick.Core.Money(9.99m, "EUR"), "Credits", null, null, null, null, null, null, null, null, null, null);
        return (shop, new Order(request, Now));
    }

    private static void SetId(Sale sale, long id) =>
        typeof(Sale).GetProperty(nameof(Sale.Id), BindingFlags.Public | BindingFlags.Instance)!.SetValue(sale, id);
}
