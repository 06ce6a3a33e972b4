using OneClick.Core.Notifications;

namespace OneClick.Tests.Core.Notifications;

public sealed class OutboxEmailTests
{
    private static readonly DateTime T0 = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Due_at_once_then_2_minutes_after_a_failure_and_never_once_sent()
    {
        var email = new OutboxEmail("buyer@example.com", "Receipt", "Body", T0);
        OutboxEmail.DueAt(T0).Compile()(email).ShouldBeTrue();

        email.Failed("SMTP down", T0);

        OutboxEmail.DueAt(T0.AddSeconds(119)).Compile()(email).ShouldBeFalse();
        OutboxEmail.DueAt(T0.AddMinutes(2)).Compile()(email).ShouldBeTrue();
        email.Sent(T0.AddMinutes(2));
        OutboxEmail.DueAt(T0.AddMinutes(3)).Compile()(email).ShouldBeFalse();
    }
}
