using OneClick.Core.Postbacks;
using OneClick.Web.Features.BackOffice.Postbacks;

namespace OneClick.Tests.Web.Features.BackOffice.Postbacks;

/// <summary>The rules behind "Retry now" and the shown URL, without a gateway.</summary>
public sealed class PostbackDueNowTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 15, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void DueNow_on_a_failing_delivery_keeps_its_attempts_and_makes_it_due()
    {
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);
        delivery.Failed(RetrySchedule.Default, T0);

        delivery.DueNow(T0.AddSeconds(10));

        delivery.NextAttemptAt.ShouldBe(T0.AddSeconds(10));
        delivery.Attempts.ShouldBe(1);
        delivery.State.ShouldBe(PostbackState.Pending);
    }

    [Fact]
    public void DueNow_is_refused_once_delivered_or_given_up()
    {
        var delivered = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);
        delivered.Delivered(T0);
        var givenUp = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);
        givenUp.Failed(new RetrySchedule([TimeSpan.FromMinutes(1)]), T0);
        givenUp.Failed(new RetrySchedule([TimeSpan.FromMinutes(1)]), T0);

        Should.Throw<InvalidOperationException>(() => delivered.DueNow(T0));
        Should.Throw<InvalidOperationException>(() => givenUp.DueNow(T0));
    }

    [Theory]
    [InlineData("https://m.example/pb?shopID=1&saleID=2&signature=ab", "https://m.example/pb?shopID=1&saleID=2&signature=ab")]
    [InlineData("https://m.example/pb?shopID=1&oneClickToken=secret&signature=ab", "https://m.example/pb?shopID=1&signature=ab")]
    [InlineData("https://m.example/pb?oneClickToken=secret", "https://m.example/pb")]
    [InlineData("https://m.example/pb?one%43lickToken=secret&a=1", "https://m.example/pb?a=1")]
    [InlineData("https://m.example/pb", "https://m.example/pb")]
    public void WithoutToken_removes_the_one_click_token_only(string url, string shown) =>
        PostbackUrls.WithoutToken(url).ShouldBe(shown);
}
