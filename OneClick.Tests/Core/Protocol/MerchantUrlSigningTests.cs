using OneClick.Core.Protocol;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Core.Protocol;

/// <summary>Signed fields on a merchant's URL, as FlexPay's client libraries check them: over every parameter received.</summary>
public sealed class MerchantUrlSigningTests
{
    private const string Key = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";

    private static readonly List<KeyValuePair<string, string>> Fields =
    [
        new("shopID", "64233"), new("saleID", "42"), new("description", "a b&c=d é"), new("oneClickToken", "q7Vw3mZp1Kc8RbT2xYn4Lg"),
    ];

    private static FlexPayClient Client => new("", 64233, Key);

    [Theory]
    [InlineData("https://shop.example/thanks")]
    [InlineData("https://shop.example/thanks?")]
    [InlineData("https://shop.example/thanks?user=42")]
    [InlineData("https://shop.example/thanks?user=42&")]
    [InlineData("https://shop.example/thanks?user=42&tab=")]
    [InlineData("https://shop.example/thanks?flag&user=a+b")]
    [InlineData("https://shop.example/thanks?user=42#top")]
    public void WithSignedFields_validates_as_flexpay_clients_check_it(string url)
    {
        var signed = MerchantUrl.WithSignedFields(url, Fields, Key);

        Client.ValidateUrl(signed).ShouldBeTrue(signed);
        FlexPayClient.ReadQuery(new Uri(signed).Query).Count(f => f.Key == "signature").ShouldBe(1);
    }

    [Fact]
    public void WithSignedFields_keeps_the_fragment_last()
    {
        MerchantUrl.WithSignedFields("https://shop.example/thanks?user=42#top", Fields, Key).ShouldEndWith("#top");
    }

    [Fact]
    public void SignQuery_replaces_a_signature_already_there()
    {
        // An outbox row written before postbacks were signed as they are sent carries its own signature.
        var old = MerchantUrl.WithFields("https://shop.example/postback?user=42", Fields) + "&signature=" + new string('a', 64);

        var signed = MerchantUrl.SignQuery(old, Key);

        FlexPayClient.ReadQuery(new Uri(signed).Query).Count(f => f.Key == "signature").ShouldBe(1);
        Client.ValidateUrl(signed).ShouldBeTrue(signed);
    }

    [Fact]
    public void WithFields_signs_nothing()
    {
        MerchantUrl.WithFields("https://shop.example/postback", Fields).ShouldNotContain("signature=");
    }

    [Fact]
    public void SignQuery_after_adding_a_field_covers_it()
    {
        var url = MerchantUrl.WithFields("https://shop.example/postback", Fields[..2]);

        var signed = MerchantUrl.SignQuery(MerchantUrl.WithField(url, "oneClickToken", "tok_1"), Key);

        Client.ValidateUrl(signed).ShouldBeTrue();
        Client.ValidateUrl(signed.Replace("tok_1", "tok_2", StringComparison.Ordinal)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("https://shop.example/thanks")]
    [InlineData("https://shop.example/thanks?user=42&tab=&flag")]
    [InlineData("https://shop.example/thanks?next=%C3%A9t%C3%A9&a-b_c=1")]
    public void QueryProblem_of_a_query_a_merchant_reads_back_exactly_is_null(string url)
    {
        MerchantUrl.QueryProblem(new Uri(url)).ShouldBeNull();
    }

    [Theory]
    [InlineData("https://shop.example/thanks?saleID=1", "which the gateway adds itself")]
    [InlineData("https://shop.example/thanks?signature=x", "which the gateway adds itself")]
    [InlineData("https://shop.example/thanks?a=1&a=2", "repeats a query parameter")]
    [InlineData("https://shop.example/thanks?utm.source=x", "letters, digits")]
    [InlineData("https://shop.example/thanks?a%20b=x", "letters, digits")]
    [InlineData("https://shop.example/thanks?a[]=x", "letters, digits")]
    [InlineData("https://shop.example/thanks?=x", "without a name")]
    [InlineData("https://shop.example/thanks?a=%E9", "not UTF-8")]
    [InlineData("https://shop.example/thanks?next=a%3Ab%3Dc", "':b=' (decoded)")]
    [InlineData("https://shop.example/thanks?next=x%3AsaleID%3D1", "':saleID=' (decoded)")]
    public void QueryProblem_of_a_query_a_merchant_could_not_verify_says_why(string url, string message)
    {
        MerchantUrl.QueryProblem(new Uri(url)).ShouldNotBeNull().ShouldContain(message);
    }

    [Fact]
    public void WithFields_leaves_out_a_field_without_a_value()
    {
        MerchantUrl.WithFields("https://shop.example/postback", [new("saleID", "1"), new("securityToken", "")])
            .ShouldBe("https://shop.example/postback?saleID=1");
    }
}
