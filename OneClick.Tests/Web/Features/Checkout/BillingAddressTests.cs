using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>A shop that requires a billing address (docs/protocol.md section 4 rule 3: no instant one-click then).</summary>
public sealed class BillingAddressTests : IDisposable
{
    private static readonly Dictionary<string, string?> Address = new()
    {
        ["Card.Street"] = "Hauptstraße 5",
        ["Card.PostalCode"] = "10115",
        ["Card.City"] = "Berlin",
        ["Card.Country"] = "DE",
    };

    private readonly GatewayFactory gateway = new();

    public BillingAddressTests() => gateway.Set("OneClick:Seed:OneClickEnabled", "true");

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Order_page_of_a_shop_that_requires_it_asks_for_the_billing_address()
    {
        await RequireBillingAddressAsync();

        var page = await Buyer.Of(gateway).StartAsync(Merchant.Purchase());

        page.Document.QuerySelector("fieldset legend")!.TextContent.ShouldBe("Billing address");
        foreach (var label in new[] { "Street and number", "Postal code", "City", "Country" })
        {
            page.Document.QuerySelectorAll("label").Select(l => l.TextContent.Trim()).ShouldContain(label);
        }
    }

    [Fact]
    public async Task Pay_without_the_billing_address_names_the_fields_and_charges_nothing()
    {
        await RequireBillingAddressAsync();
        var buyer = Buyer.Of(gateway);

        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));

        page.Heading.ShouldBe("Pay by card");
        page.FieldMessage("Street and number").ShouldBe("Enter the street and house number.");
        page.FieldMessage("Country").ShouldBe("Choose the country.");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Card_number_typed_into_the_street_is_refused_and_not_shown_again()
    {
        await RequireBillingAddressAsync();
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var again = await buyer.SubmitAsync(page, "Pay ", Fields(Buyer.Visa, street: "4242 4242 4242 4242"));

        again.FieldMessage("Street and number").ShouldContain("street address");
        again.Html.ShouldNotContain("4242 4242 4242 4242");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Pay_with_the_billing_address_keeps_it_on_the_order()
    {
        await RequireBillingAddressAsync();
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var approved = await buyer.SubmitAsync(page, "Pay ", Fields(Buyer.Visa));

        approved.Heading.ShouldBe("Payment approved");
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync());
        order.BillingAddress.ShouldBe(new BillingAddress("Hauptstraße 5", "10115", "Berlin", "DE"));
    }

    [Fact]
    public async Task Token_at_a_shop_that_requires_a_billing_address_shows_the_order_page_and_stays_unspent()
    {
        var buyer = Buyer.Of(gateway);
        var first = await buyer.SubmitAsync(await buyer.StartAsync(Merchant.Purchase()), "Pay ", Fields(Buyer.Visa, address: false));
        var token = Merchant.VerifiedQuery(first.RefreshTarget!)["oneClickToken"];
        await RequireBillingAddressAsync();

        var page = await buyer.StartAsync(WithToken(Merchant.Purchase(), token));

        page.Heading.ShouldBe("Pay with your saved card");
        page.Document.QuerySelector("fieldset legend")!.TextContent.ShouldBe("Saved card");
        (await gateway.WithDbAsync(db => db.OneClickTokens.SingleAsync())).State.ShouldBe(OneClickTokenState.Active);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync())).ShouldBe(1);

        var paid = await buyer.PaySavedAsync(page, cvc: "123", address: new()
        {
            ["Saved.Street"] = "Main Street 1",
            ["Saved.PostalCode"] = "SW1A 1AA",
            ["Saved.City"] = "London",
            ["Saved.Country"] = "GB",
        });

        paid.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(paid.RefreshTarget!)["oneClickToken"].ShouldNotBe(token);
    }

    private static Dictionary<string, string?> Fields(string number, string? street = null, bool address = true)
    {
        var fields = new Dictionary<string, string?>
        {
            ["Card.Number"] = number,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
            ["Card.Remember"] = "True",
        };
        if (address)
        {
            foreach (var (name, value) in Address)
            {
                fields[name] = value;
            }

            fields["Card.Street"] = street ?? Address["Card.Street"];
        }

        return fields;
    }

    private static Dictionary<string, string> WithToken(Dictionary<string, string> parameters, string token) =>
        new(parameters) { ["oneClickToken"] = token };

    private Task<int> RequireBillingAddressAsync() =>
        gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).RequireBillingAddress(true);
            return await db.SaveChangesAsync();
        });
}
