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

    [Fact]
    public void Claim_holds_the_email_for_the_lease_and_Sent_or_Failed_end_it()
    {
        var sent = new OutboxEmail("buyer@example.com", "Receipt", "Body", T0);
        var failed = new OutboxEmail("buyer@example.com", "Receipt", "Body", T0);

        sent.Claim(T0, TimeSpan.FromSeconds(90));
        failed.Claim(T0, TimeSpan.FromSeconds(90));

        DueBothWays(sent, T0.AddSeconds(89)).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => sent.Claim(T0.AddSeconds(89), TimeSpan.FromSeconds(90)));
        DueBothWays(sent, T0.AddSeconds(90)).ShouldBeTrue(); // lapsed: another node may take it over
        sent.Sent(T0.AddSeconds(5));
        failed.Failed("SMTP down", T0.AddSeconds(5));
        sent.ClaimedUntil.ShouldBeNull();
        failed.ClaimedUntil.ShouldBeNull();
        DueBothWays(sent, T0.AddHours(1)).ShouldBeFalse();
        DueBothWays(failed, T0.AddSeconds(5).AddMinutes(2)).ShouldBeTrue();
    }

    private static bool DueBothWays(OutboxEmail email, DateTime now)
    {
        var inMemory = email.IsDueAt(now);
        OutboxEmail.DueAt(now).Compile()(email).ShouldBe(inMemory);
        return inMemory;
    }
}
