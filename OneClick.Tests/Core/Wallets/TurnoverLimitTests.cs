using OneClick.Core;
using OneClick.Core.Sales;
using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

public sealed class TurnoverLimitTests
{
    private static readonly DateTime Now = CoreTestData.Now;

    [Fact]
    public void Payment_exactly_at_the_daily_cap_fits()
    {
        var limit = new TurnoverLimit("EUR", perDay: 100m, perWeek: null);

        limit.Refusal(new Money(40m, "EUR"), [(Now.AddHours(-1), 60m)], Now).ShouldBeNull();
    }

    [Fact]
    public void Payment_one_cent_over_the_daily_cap_is_refused()
    {
        var limit = new TurnoverLimit("EUR", perDay: 100m, perWeek: null);

        limit.Refusal(new Money(40.01m, "EUR"), [(Now.AddHours(-1), 60m)], Now)
            .ShouldBe("over the daily one-click limit of 100.00 EUR");
    }

    [Fact]
    public void Payments_older_than_a_day_leave_the_daily_cap()
    {
        var limit = new TurnoverLimit("EUR", perDay: 100m, perWeek: null);

        limit.Refusal(new Money(100m, "EUR"), [(Now - TurnoverLimit.Day, 60m)], Now).ShouldBeNull();
    }

    [Fact]
    public void Weekly_cap_counts_the_last_seven_days()
    {
        var limit = new TurnoverLimit("EUR", perDay: 100m, perWeek: 250m);
        (DateTime, decimal)[] recent = [(Now.AddDays(-6), 100m), (Now.AddDays(-3), 100m), (Now.AddDays(-8), 100m)];

        limit.Refusal(new Money(50m, "EUR"), recent, Now).ShouldBeNull();
        limit.Refusal(new Money(50.01m, "EUR"), recent, Now).ShouldBe("over the weekly one-click limit of 250.00 EUR");
    }

    [Fact]
    public void Payment_in_another_currency_is_not_capped()
    {
        var limit = new TurnoverLimit("EUR", perDay: 1m, perWeek: null);

        limit.Refusal(new Money(1000m, "USD"), [], Now).ShouldBeNull();
    }

    [Theory]
    [InlineData("eur", "10", null)]
    [InlineData("EURO", "10", null)]
    [InlineData("EUR", null, null)]
    [InlineData("EUR", "0", null)]
    [InlineData("EUR", "-1", null)]
    [InlineData("EUR", "1.001", null)]
    [InlineData("EUR", "200", "100")]
    public void Invalid_limit_is_refused(string currency, string? perDay, string? perWeek) =>
        Should.Throw<ArgumentException>(() => new TurnoverLimit(currency, Amount(perDay), Amount(perWeek)));

    private static decimal? Amount(string? text) => text is null ? null : decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Counted_sales_are_one_click_payments_in_the_currency_of_the_last_7_days_approved_or_pending_for_15_minutes()
    {
        var counted = TurnoverLimit.Counted("USD", Now).Compile();

        counted(OneClickSale(daysAgo: 6.9, approve: true)).ShouldBeTrue();
        counted(OneClickSale(daysAgo: 7.1, approve: true)).ShouldBeFalse();
        counted(OneClickSale(minutesAgo: 14)).ShouldBeTrue();
        counted(OneClickSale(minutesAgo: 16)).ShouldBeFalse();
        counted(OneClickSale(minutesAgo: 1, oneClick: false)).ShouldBeFalse();
        counted(OneClickSale(minutesAgo: 1, currency: "EUR")).ShouldBeFalse();
    }

    private static Sale OneClickSale(double daysAgo = 0, int minutesAgo = 0, bool approve = false, bool oneClick = true, string currency = "USD")
    {
        var order = CoreTestData.NewOrder(currency: currency);
        var sale = new Sale(order, CoreTestData.Card(), Now.AddDays(-daysAgo).AddMinutes(-minutesAgo));
        sale.UseSavedCard(7, oneClick, instant: false, "browser");
        if (approve)
        {
            sale.Approve("tx", Now);
        }

        return sale;
    }
}
