using OneClick.Core.Protocol;

namespace OneClick.Tests.Core.Protocol;

public sealed class InsideOriginsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5391/postback", "http", "127.0.0.1", 5391, true)]
    [InlineData("http://127.0.0.1:5391/postback", "http", "127.0.0.1", 5399, false)]
    [InlineData("http://127.0.0.1:5391/postback", "http", "127.0.0.1", 22, false)]
    [InlineData("http://127.0.0.1:5391/postback", "https", "127.0.0.1", 5391, false)]
    [InlineData("http://127.0.0.1:5391/postback", "http", "localhost", 5391, false)]
    [InlineData("http://localhost:5090", "http", "LOCALHOST", 5090, true)]
    [InlineData("http://localhost:5090", "http", "shop.localhost", 5090, false)]
    [InlineData("https://shop.internal/", "https", "shop.internal", 443, true)]
    [InlineData("https://shop.internal/", "http", "shop.internal", 80, false)]
    [InlineData("shop.internal:8080", "http", "shop.internal", 8080, true)]
    [InlineData("shop.internal:8080", "https", "shop.internal", 8080, true)]
    [InlineData("shop.internal:8080", "http", "shop.internal", 80, false)]
    [InlineData("shop.internal", "http", "shop.internal", 80, true)]
    [InlineData("shop.internal", "https", "shop.internal", 443, true)]
    [InlineData("shop.internal", "http", "shop.internal", 443, false)]
    [InlineData("shop.internal", "http", "shop.internal", 8080, false)]
    [InlineData("[::1]:8080", "http", "::1", 8080, true)]
    [InlineData("http://[::1]:8080/", "http", "[::1]", 8080, true)]
    [InlineData("::1", "http", "::1", 80, true)]
    [InlineData("ftp://shop.internal/", "http", "shop.internal", 80, false)]
    [InlineData("shop.internal:http", "http", "shop.internal", 80, false)]
    public void Allows_only_the_exact_scheme_host_and_port_named(string entry, string scheme, string host, int port, bool allowed) =>
        InsideOrigins.Parse([entry]).Allows(UrlOrigin.Of(scheme, host, port)).ShouldBe(allowed);

    [Fact]
    public void Parse_of_no_entries_allows_nothing() =>
        InsideOrigins.Parse([null, "", "  "]).Origins.ShouldBeEmpty();

    [Fact]
    public void Of_a_url_without_a_port_is_its_schemes_port() =>
        UrlOrigin.Of(new Uri("https://Shop.Example/x?y=1")).ShouldBe(UrlOrigin.Of("https", "shop.example", 443));
}
