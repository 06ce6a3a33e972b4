using OneClick.Core.Postbacks;

namespace OneClick.Tests.Core.Postbacks;

public sealed class PostbackOutageTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(3, 30, true)]
    [InlineData(2, 120, false)]
    [InlineData(3, 29, false)]
    [InlineData(10, 31, true)]
    public void IsOutage_needs_three_failures_over_thirty_minutes(int failures, int minutesAgo, bool outage) =>
        PostbackOutage.IsOutage(failures, Now.AddMinutes(-minutesAgo), Now).ShouldBe(outage);
}
