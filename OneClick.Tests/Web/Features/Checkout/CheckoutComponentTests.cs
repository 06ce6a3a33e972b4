using System.Reflection;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Checkout;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>The buyer's views rendered alone: what a person would see, found by role and text.</summary>
public sealed class CheckoutComponentTests
{
    private static readonly DateTime Now = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task StartOrderError_with_errors_lists_each_parameter_and_rule()
    {
        var document = await ComponentRenderer.RenderAsync<StartOrderError>(new()
        {
            [nameof(StartOrderError.StatusCode)] = 400,
            [nameof(StartOrderError.Errors)] = new List<ParameterError>
            {
                new("priceAmount", "must be a number."),
                new("backURL", "points to host 'evil.example'."),
            },
        });

        document.QuerySelector("h1")!.TextContent.ShouldBe("This payment request is not valid");
        var items = document.QuerySelectorAll("[aria-label='Problems with the request'] li").Select(li => li.TextContent).ToList();
        items.ShouldBe(["priceAmount must be a number.", "backURL points to host 'evil.example'."]);
    }

    [Fact]
    public async Task StartOrderError_for_bad_signature_says_only_that_it_does_not_match()
    {
        var document = await ComponentRenderer.RenderAsync<StartOrderError>(new()
        {
            [nameof(StartOrderError.StatusCode)] = 403,
            [nameof(StartOrderError.Errors)] = new List<ParameterError>(),
        });

        document.Body!.TextContent.ShouldContain("The signature does not match.");
        document.QuerySelectorAll("li").ShouldBeEmpty();
    }

    [Fact]
    public async Task ApprovalView_refreshes_to_success_url_within_5_seconds_and_offers_continue()
    {
        var (shop, order, sale) = ApprovedSale();

        var document = await ComponentRenderer.RenderAsync<ApprovalView>(new()
        {
            [nameof(ApprovalView.Shop)] = shop,
            [nameof(ApprovalView.Order)] = order,
            [nameof(ApprovalView.Sale)] = sale,
        });

        var refresh = document.QuerySelector("meta[http-equiv=refresh]")!.GetAttribute("content")!;
        var seconds = int.Parse(refresh.Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
        seconds.ShouldBeLessThanOrEqualTo(5);
        var target = refresh[(refresh.IndexOf("url=", StringComparison.Ordinal) + 4)..];
        target.ShouldStartWith("https://shop.example/success?shopID=64233&saleID=7");
        document.QuerySelectorAll("a").Single(a => a.TextContent == "Continue").GetAttribute("href").ShouldBe(target);
        document.Body!.TextContent.ShouldContain("Visa •••• 4242");
        document.Body.TextContent.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task DeclineView_without_decline_url_offers_try_again()
    {
        var (shop, order, sale) = DeclinedSale(closeOrder: false);

        var document = await ComponentRenderer.RenderAsync<DeclineView>(new()
        {
            [nameof(DeclineView.Shop)] = shop,
            [nameof(DeclineView.Order)] = order,
            [nameof(DeclineView.Sale)] = sale,
        });

        document.QuerySelector("h1")!.TextContent.ShouldBe("Payment declined");
        document.Body!.TextContent.ShouldContain("insufficient funds");
        document.QuerySelectorAll("a").Single(a => a.TextContent == "Try again").GetAttribute("href").ShouldBe($"/order/{order.Id}");
        document.QuerySelector("meta[http-equiv=refresh]").ShouldBeNull();
    }

    [Fact]
    public async Task DeclineView_with_decline_url_sends_the_buyer_back_with_signed_fields()
    {
        var (shop, order, sale) = DeclinedSale(closeOrder: true);

        var document = await ComponentRenderer.RenderAsync<DeclineView>(new()
        {
            [nameof(DeclineView.Shop)] = shop,
            [nameof(DeclineView.Order)] = order,
            [nameof(DeclineView.Sale)] = sale,
        });

        var continueLink = document.QuerySelectorAll("a").Single(a => a.TextContent == "Continue").GetAttribute("href")!;
        continueLink.ShouldStartWith("https://shop.example/declined?shopID=64233&saleID=8&saleResult=DECLINED&signature=");
        document.QuerySelector("meta[http-equiv=refresh]").ShouldNotBeNull();
        document.QuerySelectorAll("a").ShouldNotContain(a => a.TextContent == "Try again");
    }

    [Fact]
    public async Task OrderSummary_shows_shop_description_and_amount_with_currency()
    {
        var (shop, order, _) = ApprovedSale();

        var document = await ComponentRenderer.RenderAsync<OrderSummary>(new()
        {
            [nameof(OrderSummary.Shop)] = shop,
            [nameof(OrderSummary.Order)] = order,
        });

        document.Body!.TextContent.ShouldContain("Test Shop");
        document.Body.TextContent.ShouldContain("Credits");
        document.QuerySelector("[aria-label=Amount]")!.TextContent.ShouldBe("9.99 EUR");
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
