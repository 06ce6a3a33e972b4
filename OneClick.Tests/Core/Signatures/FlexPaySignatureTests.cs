using System.Security.Cryptography;
using System.Text;
using OneClick.Core.Signatures;

namespace OneClick.Tests.Core.Signatures;

public class FlexPaySignatureTests
{
    private const string Key = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";
    private const string OtherKey = "ZZZZxtUBkDgFB9kj7Zwguxde4gAqha";
    private const string VectorSha256 = "6e4138edf142496ffeae0110e8f4b86667d6b8d5a7f016a9cfdb0accd2f033fb";
    private const string VectorSha1 = "3f27723dc11c49dbd01706410f44e6eeff9e8ebf";

    private static List<KeyValuePair<string, string>> Vector() =>
    [
        new("custom1", "xxyyzz"),
        new("description", "Super video download"),
        new("priceAmount", "9.99"),
        new("priceCurrency", "USD"),
        new("shopID", "64233"),
        new("type", "purchase"),
        new("version", "3.2"),
    ];

    private static List<KeyValuePair<string, string>> VectorWith(string name, string value)
    {
        var parameters = Vector();
        parameters.Add(new(name, value));
        return parameters;
    }

    private static string Sha256Hex(string payload) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));

    [Fact]
    public void Compute_with_test_vector_matches_sha256()
    {
        FlexPaySignature.Compute(Key, Vector()).ShouldBe(VectorSha256);
    }

    [Fact]
    public void Compute_with_test_vector_matches_sha1()
    {
        FlexPaySignature.Compute(Key, Vector(), SignatureAlgorithm.Sha1).ShouldBe(VectorSha1);
    }

    [Fact]
    public void Compute_of_test_vector_in_any_order_matches()
    {
        var shuffled = Vector();
        shuffled.Reverse();
        (shuffled[1], shuffled[4]) = (shuffled[4], shuffled[1]);

        FlexPaySignature.Compute(Key, shuffled).ShouldBe(VectorSha256);
    }

    [Fact]
    public void Compute_returns_lowercase_hex()
    {
        var signature = FlexPaySignature.Compute(Key, [new("shopID", "1")]);

        signature.Length.ShouldBe(64);
        signature.ShouldAllBe(c => char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f'));
    }

    [Fact]
    public void Canonical_of_test_vector_is_key_and_sorted_pairs_joined_by_colons()
    {
        FlexPaySignature.Canonical(Key, Vector()).ShouldBe(
            Key + ":custom1=xxyyzz:description=Super video download:priceAmount=9.99:priceCurrency=USD:shopID=64233:type=purchase:version=3.2");
    }

    [Fact]
    public void Canonical_sorts_uppercase_before_lowercase()
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("truncatedPAN", "424242XXXXXX4242"),
            new("custom1", "a"),
            new("saleID", "42"),
            new("CCBrand", "VISA"),
        ];

        FlexPaySignature.Canonical("k", parameters)
            .ShouldBe("k:CCBrand=VISA:custom1=a:saleID=42:truncatedPAN=424242XXXXXX4242");
    }

    [Fact]
    public void Canonical_sorts_by_ordinal_not_by_culture()
    {
        List<KeyValuePair<string, string>> parameters = [new("alpha", "1"), new("Zeta", "2"), new("beta", "3")];

        FlexPaySignature.Canonical("k", parameters).ShouldBe("k:Zeta=2:alpha=1:beta=3");
    }

    [Fact]
    public void Compute_hashes_values_as_decoded_utf8()
    {
        List<KeyValuePair<string, string>> parameters = [new("description", "Café 日本 😀"), new("custom1", "a b&c=d")];

        FlexPaySignature.Compute("k", parameters).ShouldBe(Sha256Hex("k:custom1=a b&c=d:description=Café 日本 😀"));
    }

    [Fact]
    public void Compute_with_no_parameters_signs_key_and_colon()
    {
        FlexPaySignature.Compute("k", []).ShouldBe(Sha256Hex("k:"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Compute_with_empty_key_throws(string? key)
    {
        Should.Throw<ArgumentException>(() => FlexPaySignature.Compute(key!, Vector()));
    }

    [Fact]
    public void Matches_with_test_vector_matches()
    {
        FlexPaySignature.Matches(VectorSha256, [Key], Vector(), allowSha1: false).ShouldBeTrue();
    }

    [Fact]
    public void Matches_with_uppercase_hex_matches()
    {
        FlexPaySignature.Matches(VectorSha256.ToUpperInvariant(), [Key], Vector(), allowSha1: false).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(39)]
    [InlineData(41)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(128)]
    public void Matches_with_wrong_length_fails(int length)
    {
        var signature = string.Concat(Enumerable.Repeat(VectorSha256, 3))[..length];

        FlexPaySignature.Matches(signature, [Key], Vector(), allowSha1: true).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_null_signature_fails()
    {
        FlexPaySignature.Matches(null, [Key], Vector(), allowSha1: true).ShouldBeFalse();
    }

    [Theory]
    [InlineData("g")]
    [InlineData(" ")]
    [InlineData("-")]
    [InlineData("٣")]
    public void Matches_with_non_hex_character_fails(string bad)
    {
        var signature = bad + VectorSha256[1..];

        FlexPaySignature.Matches(signature, [Key], Vector(), allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_padded_signature_fails()
    {
        FlexPaySignature.Matches(" " + VectorSha256 + " ", [Key], Vector(), allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_sha1_without_allow_sha1_fails()
    {
        FlexPaySignature.Matches(VectorSha1, [Key], Vector(), allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_sha1_with_allow_sha1_matches()
    {
        FlexPaySignature.Matches(VectorSha1, [Key], Vector(), allowSha1: true).ShouldBeTrue();
    }

    [Fact]
    public void Matches_uppercase_sha1_with_allow_sha1_matches()
    {
        FlexPaySignature.Matches(VectorSha1.ToUpperInvariant(), [Key], Vector(), allowSha1: true).ShouldBeTrue();
    }

    [Fact]
    public void Matches_sha256_with_allow_sha1_still_matches()
    {
        FlexPaySignature.Matches(VectorSha256, [Key], Vector(), allowSha1: true).ShouldBeTrue();
    }

    [Fact]
    public void Matches_wrong_sha1_with_allow_sha1_fails()
    {
        FlexPaySignature.Matches(new string('0', 40), [Key], Vector(), allowSha1: true).ShouldBeFalse();
    }

    [Fact]
    public void Matches_sha256_prefix_as_sha1_fails()
    {
        FlexPaySignature.Matches(VectorSha256[..40], [Key], Vector(), allowSha1: true).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_first_of_two_keys_matches()
    {
        FlexPaySignature.Matches(VectorSha256, [Key, OtherKey], Vector(), allowSha1: false).ShouldBeTrue();
    }

    [Fact]
    public void Matches_with_second_of_two_keys_matches()
    {
        FlexPaySignature.Matches(VectorSha256, [OtherKey, Key], Vector(), allowSha1: false).ShouldBeTrue();
    }

    [Fact]
    public void Matches_with_other_key_only_fails()
    {
        FlexPaySignature.Matches(VectorSha256, [OtherKey], Vector(), allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_no_keys_fails()
    {
        FlexPaySignature.Matches(VectorSha256, [], Vector(), allowSha1: false).ShouldBeFalse();
    }

    [Theory]
    [InlineData("priceAmount", "9.98")]
    [InlineData("priceAmount", "9.990")]
    [InlineData("description", "Super video download ")]
    [InlineData("shopID", "64234")]
    [InlineData("custom1", "XXYYZZ")]
    public void Matches_with_changed_value_fails(string name, string value)
    {
        var parameters = Vector().Select(p => p.Key == name ? new KeyValuePair<string, string>(name, value) : p);

        FlexPaySignature.Matches(VectorSha256, [Key], parameters, allowSha1: false).ShouldBeFalse();
    }

    [Theory]
    [InlineData("custom2", "x")]
    [InlineData("backURL", "https://shop.example/")]
    [InlineData("paymentMethod", "CC")]
    public void Matches_with_added_parameter_fails(string name, string value)
    {
        FlexPaySignature.Matches(VectorSha256, [Key], VectorWith(name, value), allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_removed_parameter_fails()
    {
        var parameters = Vector().Where(p => p.Key != "custom1");

        FlexPaySignature.Matches(VectorSha256, [Key], parameters, allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_with_renamed_parameter_fails()
    {
        var parameters = Vector().Select(p => p.Key == "custom1" ? new KeyValuePair<string, string>("custom2", p.Value) : p);

        FlexPaySignature.Matches(VectorSha256, [Key], parameters, allowSha1: false).ShouldBeFalse();
    }

    [Fact]
    public void Matches_cannot_tell_colon_in_value_from_separator()
    {
        // The scheme has no escaping, so "a=1:b=2" signs both one pair and two: this is why
        // every value the gateway reads is validated strictly (docs/protocol.md section 2).
        List<KeyValuePair<string, string>> signed = [new("a", "1:b=2")];
        var signature = FlexPaySignature.Compute(Key, signed);

        FlexPaySignature.Matches(signature, [Key], [new("a", "1"), new("b", "2")], allowSha1: false).ShouldBeTrue();
    }
}
