using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Tests.Core.Signatures;

public class SignedRequestNamesTests
{
    private static readonly SignedRequestNames Names = new(["shopID", "version", "email", "oneClickToken", "language", "signature", "customerNumber", "backURL"]);

    [Theory]
    [InlineData("signature")]
    [InlineData("email")]
    [InlineData("oneClickToken")]
    [InlineData("language")]
    public void IsSigned_of_a_defined_unsigned_name_is_false_but_it_is_read(string name)
    {
        Names.IsSigned(name).ShouldBeFalse();
        Names.IsRead(name).ShouldBeTrue();
    }

    [Theory]
    [InlineData("customerNumber")]
    [InlineData("backURL")]
    [InlineData("shopID")]
    public void IsSigned_of_a_defined_name_is_true(string name)
    {
        Names.IsSigned(name).ShouldBeTrue();
        Names.IsDefined(name).ShouldBeTrue();
    }

    [Theory]
    [InlineData("mcc")]
    [InlineData("subCreditorCountry")]
    [InlineData("period")]
    [InlineData("saleID")]
    [InlineData("successURL")]
    public void IsSigned_of_a_flexpay_listed_name_is_true_though_not_defined(string name)
    {
        Names.IsSigned(name).ShouldBeTrue();
        Names.IsDefined(name).ShouldBeFalse();
    }

    [Theory]
    [InlineData("origin")]
    [InlineData("blah")]
    [InlineData("Email")]
    [InlineData("MCC")]
    [InlineData("")]
    public void IsRead_of_any_other_name_is_false(string name)
    {
        Names.IsRead(name).ShouldBeFalse();
        Names.IsSigned(name).ShouldBeFalse();
    }

    [Fact]
    public void FlexPayClientNames_are_the_26_names_the_clients_sign()
    {
        SignedRequestNames.FlexPayClientNames.Count.ShouldBe(26);
        SignedRequestNames.FlexPayClientNames.ShouldBe(
        [
            "version", "shopID", "priceAmount", "priceCurrency", "paymentMethod", "description", "referenceID",
            "saleID", "custom1", "custom2", "custom3", "subscriptionType", "period", "name", "trialAmount",
            "trialPeriod", "cancelDiscountPercentage", "type", "successURL", "declineURL", "precedingSaleID",
            "upgradeOption", "mcc", "subCreditorName", "subCreditorId", "subCreditorCountry",
        ]);
    }

    [Fact]
    public void Covered_keeps_signed_names_with_a_value_in_their_order()
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("shopID", "1"), new("email", "a@b.cz"), new("origin", "x"), new("mcc", "5967"), new("backURL", ""), new("signature", "s"),
        ];

        Names.Covered(parameters).ShouldBe([new("shopID", "1"), new("mcc", "5967")]);
    }

    [Fact]
    public void StartOrder_names_sign_customer_number_and_not_language()
    {
        StartOrderParser.Names.IsSigned("customerNumber").ShouldBeTrue();
        StartOrderParser.Names.IsSigned("language").ShouldBeFalse();
        StartOrderParser.Names.IsDefined("language").ShouldBeTrue();
    }
}
