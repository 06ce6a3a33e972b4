using OneClick.Core.Orders;
using OneClick.Core.Signatures;

namespace OneClick.Tests.Core.Signatures;

/// <summary>
/// The vectors that Verotel's own FlexPay client libraries publish, and the OK-data vector of
/// docs/protocol.md section 2: a merchant on those libraries signs requests the gateway accepts, and
/// accepts every message the gateway signs.
/// </summary>
public class FlexPayClientVectorTests
{
    private const string ClientKey = "zpXwe2D77g4P7ysGJcr3rY87TBYs6J";

    /// <summary>The fixed list signed, <c>blah</c> (not on it) left out.</summary>
    private const string SigningSha256 = "ff5cf9bcc0497c8cb40087065e5016dcfbe2efd23327f6c67614fa23537c24b2";

    /// <summary>Every field, <c>blah</c> in: how the clients validate what they receive.</summary>
    private const string ValidatingSha256 = "e50b4e92fcd0a21114d3bf3a64f888edfbc784df170e70ee165c4350fe9ffc3c";

    private const string ValidatingSha1 = "fc63f38e2722d2e5bc4f2044ad3ffb2051e89643";

    private const string ProtocolKey = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";

    private const string OkDataSha256 = "50225d10acfb7552d80f9e1b3682461ed5cc8fab6c255ad92e254104d333ce79";

    private static List<KeyValuePair<string, string>> ClientFields() =>
    [
        new("shopID", "68849"),
        new("saleID", "433456"),
        new("priceAmount", "0.00"),
        new("referenceID", "reference1234"),
        new("priceCurrency", "USD"),
        new("custom1", "My"),
        new("description", "My Dščřčřřěřě&?=blah123"),
        new("subscriptionType", "RECURRING"),
        new("period", "P1M"),
        new("name", "My name"),
        new("trialAmount", "0.01"),
        new("trialPeriod", "P3D"),
        new("successURL", "http://backURL.test"),
        new("declineURL", "http://declineURL.test"),
        new("cancelDiscountPercentage", "30"),
        new("blah", "something"),
    ];

    private static List<KeyValuePair<string, string>> OkDataFields() =>
    [
        new("CCBrand", "VISA"),
        new("custom1", "xxyyzz"),
        new("oneClickToken", "q7Vw3mZp1Kc8RbT2xYn4Lg"),
        new("paymentMethod", "CC"),
        new("priceAmount", "9.99"),
        new("priceCurrency", "USD"),
        new("referenceID", "order-77"),
        new("saleID", "1234"),
        new("shopID", "64233"),
        new("transactionID", "sbx_5f2a9c"),
        new("truncatedPAN", "424242XXXXXX4242"),
        new("type", "purchase"),
    ];

    [Fact]
    public void VerifyRequest_with_client_signing_vector_matches_with_the_unlisted_field_ignored()
    {
        FlexPaySignature.VerifyRequest(SigningSha256, [ClientKey], ClientFields(), StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
    }

    [Fact]
    public void Covered_of_client_vector_is_every_field_but_the_unlisted_one()
    {
        StartOrderParser.Names.Covered(ClientFields()).Select(f => f.Key)
            .ShouldBe(ClientFields().Select(f => f.Key).Where(n => n != "blah"), ignoreOrder: true);
    }

    [Fact]
    public void VerifyRequest_with_the_validating_signature_fails_because_blah_is_not_signed()
    {
        FlexPaySignature.VerifyRequest(ValidatingSha256, [ClientKey], ClientFields(), StartOrderParser.Names, allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void SignMessage_with_client_validating_vector_matches()
    {
        FlexPaySignature.SignMessage(ClientKey, ClientFields()).ShouldBe(ValidatingSha256);
    }

    [Fact]
    public void Compute_with_client_validating_vector_as_sha1_matches()
    {
        FlexPaySignature.Compute(ClientKey, ClientFields(), SignatureAlgorithm.Sha1).ShouldBe(ValidatingSha1);
    }

    [Fact]
    public void SignMessage_with_protocol_ok_data_vector_matches_token_included()
    {
        FlexPaySignature.SignMessage(ProtocolKey, OkDataFields()).ShouldBe(OkDataSha256);
    }

    [Fact]
    public void SignMessage_leaves_out_only_the_signature_itself()
    {
        var withSignature = OkDataFields();
        withSignature.Add(new("signature", "anything"));

        FlexPaySignature.SignMessage(ProtocolKey, withSignature).ShouldBe(OkDataSha256);
    }

    [Fact]
    public void SignMessage_signs_an_empty_field_as_name_equals()
    {
        // A merchant's own URL may carry '?flag=': FlexPay's clients hash it as "flag=".
        var fields = OkDataFields();
        fields.Add(new("flag", ""));

        FlexPaySignature.SignMessage(ProtocolKey, fields).ShouldNotBe(OkDataSha256);
        FlexPaySignature.SignMessage(ProtocolKey, fields)
            .ShouldBe(FlexPaySignature.Compute(ProtocolKey, OkDataFields().Append(new("flag", ""))));
    }

    [Theory]
    [InlineData("email", "buyer@example.com")]
    [InlineData("oneClickToken", "q7Vw3mZp1Kc8RbT2xYn4Lg")]
    [InlineData("language", "de")]
    [InlineData("origin", "plugin")]
    [InlineData("blah", "something")]
    public void VerifyRequest_ignores_an_unsigned_or_unlisted_field(string name, string value)
    {
        var fields = ClientFields();
        fields.Add(new(name, value));

        FlexPaySignature.VerifyRequest(SigningSha256, [ClientKey], fields, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
    }

    [Theory]
    [InlineData("mcc", "5967")]
    [InlineData("custom2", "x")]
    [InlineData("customerNumber", "cust-1")]
    [InlineData("backURL", "http://backURL.test")]
    public void VerifyRequest_with_an_added_signed_field_fails(string name, string value)
    {
        var fields = ClientFields();
        fields.Add(new(name, value));

        FlexPaySignature.VerifyRequest(SigningSha256, [ClientKey], fields, StartOrderParser.Names, allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void VerifyRequest_ignores_a_signed_field_with_an_empty_value()
    {
        var fields = ClientFields();
        fields.Add(new("custom3", ""));

        FlexPaySignature.VerifyRequest(SigningSha256, [ClientKey], fields, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
    }
}
