using OneClick.Core.Protocol;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;

namespace OneClick.Tests.Core.Protocol;

public class OkDataTests
{
    private const string NewKey = "NewNewNewNewNewNewNewNewNewNew";

    private static Dictionary<string, string> AsDictionary(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        fields.Select(f => f.Key).Distinct(StringComparer.Ordinal).Count().ShouldBe(fields.Count, "each field appears once");
        return fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
    }

    private static bool Verifies(Shop shop, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var list = fields.ToList();
        var signature = list.Single(f => f.Key == "signature").Value;
        // As FlexPay's client libraries validate: every field received but the signature, the token included.
        return shop.ActiveKeys.Any(key => FlexPaySignature.Compute(key, list.Where(f => f.Key != "signature")) == signature);
    }

    [Fact]
    public void For_approved_sale_carries_the_protocol_fields()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-1", custom1: "xxyyzz", customerNumber: "cust-7");
        var sale = CoreTestData.ApprovedSale(order, id: 42, transactionId: "sbx_abc");

        var fields = AsDictionary(OkData.For(shop, order, sale, oneClickToken: "tok_1"));

        fields["shopID"].ShouldBe("64233");
        fields["saleID"].ShouldBe("42");
        fields["transactionID"].ShouldBe("sbx_abc");
        fields["referenceID"].ShouldBe("ref-1");
        fields["priceAmount"].ShouldBe("9.99");
        fields["priceCurrency"].ShouldBe("USD");
        fields["paymentMethod"].ShouldBe("CC");
        fields["type"].ShouldBe("purchase");
        fields["custom1"].ShouldBe("xxyyzz");
        fields["customerNumber"].ShouldBe("cust-7");
        fields["CCBrand"].ShouldBe("VISA");
        fields["truncatedPAN"].ShouldBe("424242XXXXXX4242");
        fields["oneClickToken"].ShouldBe("tok_1");
        fields["signature"].Length.ShouldBe(64);
        fields.Keys.ShouldNotContain("email");
    }

    [Fact]
    public void For_signature_verifies_over_the_returned_fields()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-1", custom1: "xxyyzz", customerNumber: "cust-7");
        var sale = CoreTestData.ApprovedSale(order);

        var fields = OkData.For(shop, order, sale, oneClickToken: "tok_1");

        Verifies(shop, fields).ShouldBeTrue();
    }

    [Fact]
    public void For_signature_is_computed_over_every_field_but_signature_token_included()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-1");
        var sale = CoreTestData.ApprovedSale(order);

        var fields = OkData.For(shop, order, sale, oneClickToken: "tok_1");

        var signed = fields.Where(f => f.Key is not "signature");
        fields.Single(f => f.Key == "signature").Value.ShouldBe(FlexPaySignature.Compute(CoreTestData.VectorKey, signed));
    }

    [Fact]
    public void For_signature_covers_the_token()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.ApprovedSale(order);

        var withToken = AsDictionary(OkData.For(shop, order, sale, oneClickToken: "tok_1"));
        var withoutToken = AsDictionary(OkData.For(shop, order, sale));

        withToken["signature"].ShouldNotBe(withoutToken["signature"]);
        withoutToken.Keys.ShouldNotContain("oneClickToken");
        Verifies(shop, withToken.Select(f => f.Key == "oneClickToken" ? new KeyValuePair<string, string>(f.Key, "tok_2") : f)).ShouldBeFalse();
        Verifies(shop, withToken.Where(f => f.Key != "oneClickToken")).ShouldBeFalse();
    }

    [Fact]
    public void For_with_empty_token_sends_no_token_field()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.ApprovedSale(order);

        OkData.For(shop, order, sale, oneClickToken: "").ShouldNotContain(f => f.Key == "oneClickToken");
    }

    [Fact]
    public void For_leaves_out_optional_fields_not_given()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.ApprovedSale(order);

        var fields = OkData.For(shop, order, sale);

        fields.Select(f => f.Key).ShouldBe(
            ["shopID", "saleID", "transactionID", "priceAmount", "priceCurrency", "paymentMethod", "type", "CCBrand", "truncatedPAN", "signature"],
            ignoreOrder: true);
        Verifies(shop, fields).ShouldBeTrue();
    }

    [Theory]
    [InlineData("shopID")]
    [InlineData("saleID")]
    [InlineData("transactionID")]
    [InlineData("priceAmount")]
    [InlineData("priceCurrency")]
    [InlineData("CCBrand")]
    [InlineData("truncatedPAN")]
    [InlineData("referenceID")]
    [InlineData("custom1")]
    [InlineData("customerNumber")]
    [InlineData("oneClickToken")]
    public void For_with_a_changed_field_does_not_verify(string name)
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-1", custom1: "xxyyzz", customerNumber: "cust-7");
        var sale = CoreTestData.ApprovedSale(order);

        var tampered = OkData.For(shop, order, sale, oneClickToken: "tok_1")
            .Select(f => f.Key == name ? new KeyValuePair<string, string>(name, f.Value + "1") : f);

        Verifies(shop, tampered).ShouldBeFalse();
    }

    [Theory]
    [InlineData("4242424242424242", "VISA", "424242XXXXXX4242")]
    [InlineData("5555555555554444", "MASTERCARD", "555555XXXXXX4444")]
    [InlineData("378282246310005", "AMEX", "378282XXXXX0005")]
    public void For_carries_brand_and_truncated_pan_of_the_card(string card, string brand, string truncated)
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.ApprovedSale(order, card);

        var fields = AsDictionary(OkData.For(shop, order, sale));

        fields["CCBrand"].ShouldBe(brand);
        fields["truncatedPAN"].ShouldBe(truncated);
        fields.Values.ShouldAllBe(v => !v.Contains(card));
    }

    [Fact]
    public void For_formats_the_amount_with_two_decimals()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(amount: 1000000m, currency: "EUR");
        var sale = CoreTestData.ApprovedSale(order);

        var fields = AsDictionary(OkData.For(shop, order, sale));

        fields["priceAmount"].ShouldBe("1000000.00");
        fields["priceCurrency"].ShouldBe("EUR");
    }

    [Fact]
    public void For_during_rotation_signs_with_newest_key()
    {
        var shop = CoreTestData.NewShop();
        shop.AddSignatureKey(NewKey, CoreTestData.Now.AddDays(1));
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.ApprovedSale(order);

        var fields = OkData.For(shop, order, sale);

        var signature = fields.Single(f => f.Key == "signature").Value;
        FlexPaySignature.SignMessage(NewKey, fields).ShouldBe(signature);
        FlexPaySignature.SignMessage(CoreTestData.VectorKey, fields).ShouldNotBe(signature);
    }

    [Fact]
    public void For_pending_sale_throws()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.NewSale(order).WithId(1);

        Should.Throw<InvalidOperationException>(() => OkData.For(shop, order, sale));
    }

    [Fact]
    public void For_declined_sale_throws()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.NewSale(order).WithId(1);
        sale.Decline("tx", DeclineReason.CardDeclined, CoreTestData.Now);

        Should.Throw<InvalidOperationException>(() => OkData.For(shop, order, sale));
    }

    [Fact]
    public void ForDecline_carries_shop_reference_sale_result_and_signature()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-9", custom1: "not-sent");
        var sale = CoreTestData.NewSale(order).WithId(77);
        sale.Decline("tx", DeclineReason.InsufficientFunds, CoreTestData.Now);

        var fields = OkData.ForDecline(shop, order, sale);

        fields.Select(f => f.Key).ShouldBe(["shopID", "referenceID", "saleID", "saleResult", "signature"], ignoreOrder: true);
        var values = AsDictionary(fields);
        values["shopID"].ShouldBe("64233");
        values["referenceID"].ShouldBe("ref-9");
        values["saleID"].ShouldBe("77");
        values["saleResult"].ShouldBe("DECLINED");
        Verifies(shop, fields).ShouldBeTrue();
    }

    [Fact]
    public void ForDecline_without_reference_leaves_it_out()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder();
        var sale = CoreTestData.NewSale(order).WithId(77);
        sale.Decline("tx", DeclineReason.CardDeclined, CoreTestData.Now);

        var fields = OkData.ForDecline(shop, order, sale);

        fields.Select(f => f.Key).ShouldBe(["shopID", "saleID", "saleResult", "signature"], ignoreOrder: true);
        Verifies(shop, fields).ShouldBeTrue();
    }

    [Fact]
    public void ForDecline_with_changed_sale_id_does_not_verify()
    {
        var shop = CoreTestData.NewShop();
        var order = CoreTestData.NewOrder(referenceId: "ref-9");
        var sale = CoreTestData.NewSale(order).WithId(77);
        sale.Decline("tx", DeclineReason.CardDeclined, CoreTestData.Now);

        var tampered = OkData.ForDecline(shop, order, sale)
            .Select(f => f.Key == "saleID" ? new KeyValuePair<string, string>("saleID", "78") : f);

        Verifies(shop, tampered).ShouldBeFalse();
    }
}
