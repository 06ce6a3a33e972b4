using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Checkout;

/// <summary>Whole purchases by form posts, one per test card of docs/protocol.md section 8.</summary>
public sealed class PurchaseTests : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory gateway;

    public PurchaseTests(GatewayFactory gateway) => this.gateway = gateway;

    [Theory]
    [InlineData("4242 4242 4242 4242", "123", "VISA", "424242XXXXXX4242")]
    [InlineData("5555 5555 5555 4444", "123", "MASTERCARD", "555555XXXXXX4444")]
    [InlineData("3782 822463 10005", "1234", "AMEX", "378282XXXXX0005")]
    [InlineData("4000 0000 0000 0341", "123", "VISA", "400000XXXXXX0341")]
    public async Task Pay_with_approving_card_shows_approval_and_goes_to_success_url_with_signed_ok_data(string number, string cvc, string brand, string truncated)
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "ok-" + UniqueText.Letters();
        parameters["custom1"] = "user-42";
        var orderPage = await buyer.StartAsync(parameters);

        var result = await buyer.PayAsync(orderPage, number, cvc: cvc);

        result.Heading.ShouldBe("Payment approved");
        var target = result.RefreshTarget.ShouldNotBeNull();
        result.LinkHref("Continue").ShouldBe(target);
        target.ShouldStartWith(GatewayFactory.SuccessUrl + "?");
        var ok = Merchant.VerifiedQuery(target);
        ok["shopID"].ShouldBe(GatewayFactory.ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ok["referenceID"].ShouldBe(parameters["referenceID"]);
        ok["priceAmount"].ShouldBe("9.99");
        ok["priceCurrency"].ShouldBe("EUR");
        ok["paymentMethod"].ShouldBe("CC");
        ok["type"].ShouldBe("purchase");
        ok["custom1"].ShouldBe("user-42");
        ok["CCBrand"].ShouldBe(brand);
        ok["truncatedPAN"].ShouldBe(truncated);
        ok["transactionID"].ShouldNotBeNullOrEmpty();
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.Id == long.Parse(ok["saleID"], System.Globalization.CultureInfo.InvariantCulture)));
        sale.Result.ShouldBe(SaleResult.Approved);
        sale.TruncatedPan.ShouldBe(truncated);
        sale.TransactionId.ShouldBe(ok["transactionID"]);
    }

    [Fact]
    public async Task Pay_approved_goes_to_backURL_when_the_merchant_gave_one()
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["backURL"] = "http://merchant.test/thanks?from=checkout";
        var orderPage = await buyer.StartAsync(parameters);

        var result = await buyer.PayAsync(orderPage);

        var target = result.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith("http://merchant.test/thanks?from=checkout&shopID=");
        // The merchant verifies over every parameter it receives, its own included.
        Merchant.VerifiedQuery(target)["from"].ShouldBe("checkout");
    }

    [Fact]
    public async Task Pay_with_a_card_number_typed_into_other_fields_never_echoes_it()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var result = await buyer.PayAsync(orderPage, "4242", expiry: "4242424242424242", holder: "4242 4242 4242 4242");

        result.FieldMessage("Cardholder name").ShouldContain("not a number");
        result.Html.ShouldNotContain("4242424242424242");
        result.Html.ShouldNotContain("4242 4242 4242 4242");
    }

    [Fact]
    public async Task Pay_declined_five_times_closes_the_order()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        for (var attempt = 1; attempt <= OneClick.Core.Orders.Order.MaxDeclinedAttempts; attempt++)
        {
            page = await buyer.PayAsync(page, "4000 0000 0000 0002");
            if (page.LinkHref("Try again") is { } again)
            {
                page = await buyer.GetAsync(again);
            }
        }

        page.Heading.ShouldBe("Payment declined");
        page.Text.ShouldContain("no more attempts");
        page.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull();
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == page.OrderId))).State.ShouldBe(OrderState.Declined);
    }

    [Fact]
    public async Task Authentication_answered_twice_at_once_counts_once()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        var challenge = await buyer.PayAsync(orderPage, "4000 0027 6000 3184");

        var answers = await Task.WhenAll(
            buyer.SubmitAsync(challenge, "Complete authentication"),
            buyer.SubmitAsync(challenge, "Fail authentication"),
            buyer.SubmitAsync(challenge, "Complete authentication"));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK);
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.OrderId == orderPage.OrderId));
        sale.Result.ShouldBeOneOf(SaleResult.Approved, SaleResult.Declined);
        var again = await buyer.SubmitAsync(challenge, "Complete authentication");
        again.Status.ShouldBe(HttpStatusCode.OK);
        // Declined without a decline URL, the order is open again for another card.
        again.Heading.ShouldBe(sale.Result == SaleResult.Approved ? "Payment approved" : "Pay by card");
    }

    [Theory]
    [InlineData("4000 0000 0000 0002", DeclineReason.CardDeclined, "declined")]
    [InlineData("4000 0000 0000 9995", DeclineReason.InsufficientFunds, "insufficient funds")]
    [InlineData("4000 0000 0000 0127", DeclineReason.IncorrectCvc, "security code")]
    [InlineData("4000 0000 0000 0069", DeclineReason.ExpiredCard, "expired")]
    public async Task Pay_with_declining_card_shows_reason_and_try_again(string number, DeclineReason reason, string words)
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var result = await buyer.PayAsync(orderPage, number);

        result.Heading.ShouldBe("Payment declined");
        result.Text.ShouldContain(words, Case.Insensitive);
        result.RefreshTarget.ShouldBeNull();
        var tryAgain = result.LinkHref("Try again").ShouldNotBeNull();
        var again = await buyer.GetAsync(tryAgain);
        (await buyer.PayAsync(again)).Heading.ShouldBe("Payment approved");
        var sales = await gateway.WithDbAsync(db => db.Sales.Where(s => s.OrderId == orderPage.OrderId).OrderBy(s => s.Id).ToListAsync());
        sales.Select(s => s.Result).ShouldBe([SaleResult.Declined, SaleResult.Approved]);
        sales[0].DeclineReason.ShouldBe(reason);
    }

    [Fact]
    public async Task Pay_declined_with_declineURL_closes_the_order_and_goes_to_declineURL_with_signed_fields()
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "decline-" + UniqueText.Letters();
        parameters["declineURL"] = "http://merchant.test/declined";
        var orderPage = await buyer.StartAsync(parameters);

        var result = await buyer.PayAsync(orderPage, "4000 0000 0000 0002");

        result.Heading.ShouldBe("Payment declined");
        var target = result.RefreshTarget.ShouldNotBeNull();
        target.ShouldStartWith("http://merchant.test/declined?");
        var fields = Merchant.VerifiedQuery(target);
        fields["saleResult"].ShouldBe("DECLINED");
        fields["referenceID"].ShouldBe(parameters["referenceID"]);
        fields.Keys.ShouldBe(["shopID", "referenceID", "saleID", "saleResult", "signature"], ignoreOrder: true);
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == orderPage.OrderId));
        order.State.ShouldBe(OrderState.Declined);

        var again = await buyer.StartAsync(parameters);
        again.Heading.ShouldBe("Payment declined");
        again.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull();
    }

    [Fact]
    public async Task Pay_with_acquirer_error_charges_nothing_and_lets_the_buyer_retry()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var result = await buyer.PayAsync(orderPage, "4000 0000 0000 0119");

        result.Status.ShouldBe(HttpStatusCode.OK);
        result.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("Nothing was charged");
        var order = await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == orderPage.OrderId));
        order.State.ShouldBe(OrderState.Open);
        (await buyer.PayAsync(result)).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Pay_with_3ds_card_and_completed_challenge_is_approved()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var challenge = await buyer.PayAsync(orderPage, "4000 0027 6000 3184");
        challenge.Heading.ShouldBe("Authentication required");
        var result = await buyer.SubmitAsync(challenge, "Complete authentication");

        result.Heading.ShouldBe("Payment approved");
        Merchant.VerifiedQuery(result.RefreshTarget!)["truncatedPAN"].ShouldBe("400000XXXXXX3184");
        var sale = await gateway.WithDbAsync(db => db.Sales.SingleAsync(s => s.OrderId == orderPage.OrderId));
        sale.ThreeDSecureChallenged.ShouldBeTrue();
        sale.Result.ShouldBe(SaleResult.Approved);
    }

    [Fact]
    public async Task Pay_with_3ds_card_and_failed_challenge_is_declined()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var challenge = await buyer.PayAsync(orderPage, "4000 0027 6000 3184");
        var result = await buyer.SubmitAsync(challenge, "Fail authentication");

        result.Heading.ShouldBe("Payment declined");
        result.Text.ShouldContain("not authenticated");
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("COMPLETE")]
    [InlineData("")]
    public async Task Authentication_answer_other_than_its_two_buttons_leaves_the_challenge_waiting(string outcome)
    {
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), "4000 0027 6000 3184");

        var again = await buyer.SubmitAsync(challenge, "Fail authentication", new() { ["Outcome"] = outcome });

        again.Heading.ShouldBe("Authentication required");
        again.Text.ShouldContain("Choose one of the two answers");
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == challenge.OrderId))).State.ShouldBe(OrderState.AwaitingAuthentication);
        (await buyer.SubmitAsync(again, "Complete authentication")).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Authentication_answer_given_twice_leaves_the_challenge_waiting()
    {
        var buyer = Buyer.Of(gateway);
        var challenge = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()), "4000 0027 6000 3184");

        var again = await buyer.SubmitWithAsync(challenge, "Complete authentication", null, KeyValuePair.Create("Outcome", "fail"));

        again.Heading.ShouldBe("Authentication required");
        again.Text.ShouldContain("Choose one of the two answers");
        (await gateway.WithDbAsync(db => db.Orders.SingleAsync(o => o.Id == challenge.OrderId))).State.ShouldBe(OrderState.AwaitingAuthentication);
    }

    [Theory]
    [InlineData("Card.Holder", "4242 4242 4242 4242")]
    [InlineData("Card.Number", "4242")]
    [InlineData("Card.Cvc", "12")]
    [InlineData("Card.Expiry", "13/30")]
    [InlineData("Card.Number", "4242 4242 4242 4242")]
    public async Task Pay_with_a_field_given_twice_charges_nothing_and_shows_the_form_again(string field, string second)
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        var card = new Dictionary<string, string?> { ["Card.Number"] = Buyer.Visa, ["Card.Expiry"] = "12/30", ["Card.Cvc"] = "123", ["Card.Holder"] = "Jane Buyer" };

        var again = await buyer.SubmitWithAsync(orderPage, "Pay ", card, KeyValuePair.Create(field, second));

        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Heading.ShouldBe("Pay by card");
        again.Text.ShouldContain("a field given twice");
        again.Html.ShouldNotContain("4242424242424242");
        again.Html.ShouldNotContain("4242 4242 4242 4242");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderPage.OrderId))).ShouldBe(0);
        (await buyer.PayAsync(again)).Heading.ShouldBe("Payment approved");
    }

    [Fact]
    public async Task Pay_with_a_field_given_twice_sends_back_nothing_typed_not_even_a_number_in_the_name_or_address()
    {
        using var billing = new GatewayFactory().Set("OneClick:Seed:RequireBillingAddress", "true");
        var buyer = Buyer.Of(billing);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        var card = new Dictionary<string, string?>
        {
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "4242424242424242",
            ["Card.Street"] = "5555 5555 5555 4444",
            ["Card.PostalCode"] = "10115",
            ["Card.City"] = "Berlin",
            ["Card.Country"] = "DE",
        };

        var again = await buyer.SubmitWithAsync(orderPage, "Pay ", card, KeyValuePair.Create("Card.Cvc", "456"));

        again.Text.ShouldContain("a field given twice");
        again.Html.ShouldNotContain("4242424242424242");
        again.Html.ShouldNotContain("5555 5555 5555 4444");
    }

    [Fact]
    public async Task Order_page_reloaded_during_3ds_goes_back_to_the_challenge()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        await buyer.PayAsync(orderPage, "4000 0027 6000 3184");

        var reloaded = await buyer.GetAsync(orderPage.Url);

        reloaded.Heading.ShouldBe("Authentication required");
    }

    [Fact]
    public async Task Pay_with_invalid_fields_shows_messages_next_to_them_and_never_echoes_number_or_cvc()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var result = await buyer.PayAsync(orderPage, "4242 4242 4242 4241", expiry: "13/30", cvc: "12", holder: "");

        result.Status.ShouldBe(HttpStatusCode.OK);
        result.FieldMessage("Card number").ShouldContain("not valid");
        result.FieldMessage("Expiry date").ShouldContain("01 to 12");
        result.FieldMessage("CVC").ShouldContain("3 digits");
        result.FieldMessage("Cardholder name").ShouldContain("name");
        result.Html.ShouldNotContain("4242 4242 4242 4241");
        result.Html.ShouldNotContain("4242424242424241");
        result.Html.ShouldNotContain("value=\"12\"");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderPage.OrderId))).ShouldBe(0);
    }

    [Fact]
    public async Task Pay_with_expired_card_and_amex_with_three_digit_cvc_are_refused_before_the_acquirer()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var expired = await buyer.PayAsync(orderPage, expiry: "01/20");
        var amex = await buyer.PayAsync(expired, "3782 822463 10005", cvc: "123");

        expired.FieldMessage("Expiry date").ShouldContain("expired");
        amex.FieldMessage("CVC").ShouldContain("4 digits");
        amex.FieldMessage("Card number").ShouldContain("American Express");
    }

    [Fact]
    public async Task Order_page_shows_shop_description_amount_and_labelled_fields()
    {
        var buyer = Buyer.Of(gateway);

        var page = await buyer.StartAsync(Merchant.Purchase("50.00", "USD", "500 chat credits"));

        page.Text.ShouldContain("Demo Credits Shop");
        page.Text.ShouldContain("500 chat credits");
        page.Text.ShouldContain("50.00 USD");
        page.Document.QuerySelectorAll("label").Select(l => l.TextContent.Trim())
            .ShouldBe(["Card number", "Expiry date", "CVC", "Cardholder name"]);
        page.Document.QuerySelector("button[type=submit]")!.TextContent.Trim().ShouldBe("Pay 50.00 USD");
    }

    [Fact]
    public async Task Pay_twice_after_approval_charges_once()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());
        await buyer.PayAsync(orderPage);

        var second = await buyer.PayAsync(orderPage);

        second.Heading.ShouldBe("Payment approved");
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderPage.OrderId))).ShouldBe(1);
    }

    [Fact]
    public async Task Pay_submitted_concurrently_charges_the_order_once()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => buyer.PayAsync(orderPage)));

        results.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        var sales = await gateway.WithDbAsync(db => db.Sales.Where(s => s.OrderId == orderPage.OrderId).ToListAsync());
        sales.Count.ShouldBe(1);
        sales[0].Result.ShouldBe(SaleResult.Approved);
    }

    [Fact]
    public async Task Startorder_after_approval_with_same_referenceID_shows_the_result_without_charging_again()
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["referenceID"] = "paid-" + UniqueText.Letters();
        var orderPage = await buyer.StartAsync(parameters);
        await buyer.PayAsync(orderPage);

        var again = await buyer.StartAsync(parameters);

        again.Heading.ShouldBe("Payment approved");
        again.Document.QuerySelector("form:not([data-language-menu])").ShouldBeNull();
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderPage.OrderId))).ShouldBe(1);
    }

    [Fact]
    public async Task Pay_without_antiforgery_token_is_refused()
    {
        var buyer = Buyer.Of(gateway);
        var orderPage = await buyer.StartAsync(Merchant.Purchase());

        var response = await buyer.Client.PostAsync(orderPage.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "pay",
            ["Card.Number"] = Buyer.Visa,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = "Jane Buyer",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await gateway.WithDbAsync(db => db.Sales.CountAsync(s => s.OrderId == orderPage.OrderId))).ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_order_is_404()
    {
        var page = await Buyer.Of(gateway).GetAsync("/order/AAAAAAAAAAAAAAAAAAAAAA");

        page.Status.ShouldBe(HttpStatusCode.NotFound);
        page.Heading.ShouldBe("Page not found");
    }
}
