using OneClick.Core.Orders;

namespace OneClick.Tests.Core.Orders;

public sealed class BuyerLanguageTests
{
    [Theory]
    [InlineData("de", "de")]
    [InlineData(" RU ", "ru")]
    [InlineData("Cs", "cs")]
    [InlineData("en", "en")]
    public void Parse_a_supported_code_in_any_case_gives_it(string value, string expected) =>
        BuyerLanguage.Parse(value).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("de-DE")]
    [InlineData("pt")]
    [InlineData("english")]
    public void Parse_anything_else_gives_none_so_the_browser_decides(string? value) =>
        BuyerLanguage.Parse(value).ShouldBeNull();
}
