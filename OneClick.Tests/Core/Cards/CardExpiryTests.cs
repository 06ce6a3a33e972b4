using OneClick.Core.Cards;

namespace OneClick.Tests.Core.Cards;

public class CardExpiryTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("08/27")]
    [InlineData("08 / 27")]
    [InlineData("08 /27")]
    [InlineData("0827")]
    [InlineData("08/2027")]
    [InlineData("082027")]
    [InlineData("8/27")]
    [InlineData("08-27")]
    [InlineData(" 08/27 ")]
    public void Parse_accepted_format_succeeds(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Error.ShouldBeNull();
        parse.Expiry.ShouldBe(new CardExpiry(2027, 8));
    }

    [Theory]
    [InlineData("00/27")]
    [InlineData("13/27")]
    [InlineData("99/27")]
    [InlineData("0027")]
    [InlineData("1327")]
    public void Parse_month_out_of_range_fails(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Expiry.ShouldBeNull();
        parse.Error.ShouldNotBeNull();
        parse.Error.ShouldContain("month");
    }

    [Theory]
    [InlineData("01/27", 1)]
    [InlineData("12/27", 12)]
    public void Parse_first_and_last_month_succeed(string input, int month)
    {
        CardExpiry.Parse(input, Now).Expiry.ShouldBe(new CardExpiry(2027, month));
    }

    [Theory]
    [InlineData("06/25")]
    [InlineData("06/2025")]
    public void Parse_current_month_succeeds(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Error.ShouldBeNull();
        parse.Expiry.ShouldBe(new CardExpiry(2025, 6));
    }

    [Fact]
    public void Parse_current_month_on_its_last_second_succeeds()
    {
        var lastSecond = new DateTimeOffset(2025, 6, 30, 23, 59, 59, TimeSpan.Zero);

        CardExpiry.Parse("06/25", lastSecond).Expiry.ShouldBe(new CardExpiry(2025, 6));
    }

    [Theory]
    [InlineData("05/25")]
    [InlineData("12/24")]
    [InlineData("06/24")]
    [InlineData("05/2025")]
    [InlineData("01/1999")]
    public void Parse_past_month_fails_as_expired(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Expiry.ShouldBeNull();
        parse.Error.ShouldNotBeNull();
        parse.Error.ShouldContain("expired");
    }

    [Fact]
    public void Parse_december_in_january_fails_as_expired()
    {
        var january = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        CardExpiry.Parse("12/25", january).Expiry.ShouldBeNull();
        CardExpiry.Parse("01/26", january).Expiry.ShouldBe(new CardExpiry(2026, 1));
    }

    [Theory]
    [InlineData("06/45")]
    [InlineData("12/45")]
    [InlineData("12/2045")]
    public void Parse_twenty_years_ahead_succeeds(string input)
    {
        CardExpiry.Parse(input, Now).Error.ShouldBeNull();
    }

    [Theory]
    [InlineData("01/46")]
    [InlineData("12/99")]
    [InlineData("01/2046")]
    [InlineData("12/9999")]
    public void Parse_too_far_in_future_fails(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Expiry.ShouldBeNull();
        parse.Error.ShouldNotBeNull();
        parse.Error.ShouldContain("future");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("abc")]
    [InlineData("08/2")]
    [InlineData("08/202")]
    [InlineData("08/20277")]
    [InlineData("082")]
    [InlineData("08.27")]
    [InlineData("08//27")]
    [InlineData("08\\27")]
    [InlineData("108/27")]
    [InlineData("08/27x")]
    [InlineData("Aug 2027")]
    [InlineData("-8/27")]
    public void Parse_malformed_fails(string? input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Expiry.ShouldBeNull();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("٠٨/٢٧")]
    [InlineData("０８/２７")]
    public void Parse_non_ascii_digits_fails_without_throwing(string input)
    {
        var parse = CardExpiry.Parse(input, Now);

        parse.Expiry.ShouldBeNull();
        parse.Error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void IsExpiredAt_is_false_through_the_last_day_of_the_month()
    {
        var expiry = new CardExpiry(2025, 6);

        expiry.IsExpiredAt(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBeFalse();
        expiry.IsExpiredAt(new DateTimeOffset(2025, 6, 30, 23, 59, 59, TimeSpan.Zero)).ShouldBeFalse();
        expiry.IsExpiredAt(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBeTrue();
    }

    [Fact]
    public void IsExpiredAt_is_false_for_earlier_time()
    {
        new CardExpiry(2025, 6).IsExpiredAt(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero)).ShouldBeFalse();
    }

    [Fact]
    public void IsExpiredAt_compares_in_utc()
    {
        // 1 July 01:00 at UTC+02:00 is still 30 June in UTC.
        var julyLocal = new DateTimeOffset(2025, 7, 1, 1, 0, 0, TimeSpan.FromHours(2));

        new CardExpiry(2025, 6).IsExpiredAt(julyLocal).ShouldBeFalse();
    }

    [Theory]
    [InlineData(2027, 8, "08/27")]
    [InlineData(2030, 12, "12/30")]
    [InlineData(2100, 1, "01/00")]
    public void ToString_is_mm_slash_yy(int year, int month, string text)
    {
        new CardExpiry(year, month).ToString().ShouldBe(text);
    }
}
