using OneClick.Core.Postbacks;

namespace OneClick.Tests.Core.Postbacks;

public sealed class PostbackDeliveryTests
{
    private static readonly DateTime T0 = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void New_delivery_is_pending_and_due_at_once()
    {
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb?x=1", T0);

        delivery.State.ShouldBe(PostbackState.Pending);
        delivery.NextAttemptAt.ShouldBe(T0);
        delivery.Attempts.ShouldBe(0);
    }

    [Fact]
    public void Failed_waits_as_the_schedule_says_then_gives_up()
    {
        var schedule = new RetrySchedule([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)]);
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);

        delivery.Failed(schedule, T0).ShouldBeFalse();
        delivery.NextAttemptAt.ShouldBe(T0.AddMinutes(1));
        delivery.Failed(schedule, T0.AddMinutes(1)).ShouldBeFalse();
        delivery.NextAttemptAt.ShouldBe(T0.AddMinutes(6));
        delivery.Failed(schedule, T0.AddMinutes(6)).ShouldBeTrue();

        delivery.State.ShouldBe(PostbackState.GivenUp);
        delivery.Attempts.ShouldBe(3);
        delivery.CompletedAt.ShouldBe(T0.AddMinutes(6));
    }

    [Fact]
    public void Due_once_its_next_attempt_has_come_and_only_while_pending()
    {
        var schedule = new RetrySchedule([TimeSpan.FromMinutes(1)]);
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);
        delivery.Failed(schedule, T0);
        var due = PostbackDelivery.DueAt(T0.AddMinutes(1)).Compile();

        delivery.IsDueAt(T0.AddSeconds(59)).ShouldBeFalse();
        PostbackDelivery.DueAt(T0.AddSeconds(59)).Compile()(delivery).ShouldBeFalse();
        delivery.IsDueAt(T0.AddMinutes(1)).ShouldBeTrue();
        due(delivery).ShouldBeTrue();
        delivery.Delivered(T0.AddMinutes(1));
        delivery.IsDueAt(T0.AddMinutes(2)).ShouldBeFalse();
        due(delivery).ShouldBeFalse();
    }

    [Fact]
    public void Delivered_is_final()
    {
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Credit, "https://m.example/pb", T0);

        delivery.Delivered(T0);

        delivery.State.ShouldBe(PostbackState.Delivered);
        Should.Throw<InvalidOperationException>(() => delivery.Failed(RetrySchedule.Default, T0));
        Should.Throw<InvalidOperationException>(() => delivery.Delivered(T0));
    }

    [Theory]
    [InlineData(200, "OK", true)]
    [InlineData(200, "  OK\r\n", true)]
    [InlineData(200, "ok", false)]
    [InlineData(200, "OK OK", false)]
    [InlineData(200, "", false)]
    [InlineData(201, "OK", false)]
    [InlineData(500, "OK", false)]
    public void IsAcknowledgement_needs_200_and_OK(int status, string body, bool expected) =>
        PostbackAttempt.IsAcknowledgement(status, body).ShouldBe(expected);

    [Fact]
    public void Attempt_keeps_the_first_1_KB_of_the_answer()
    {
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);

        var attempt = new PostbackAttempt(delivery, T0, TimeSpan.FromMilliseconds(12), 500, new string('x', 5000), null, false);

        attempt.ResponseExcerpt!.Length.ShouldBe(1024);
        attempt.DurationMs.ShouldBe(12);
    }

    [Fact]
    public void IsFailing_only_while_pending_after_an_unanswered_attempt()
    {
        var schedule = new RetrySchedule([TimeSpan.FromMinutes(1)]);
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0);
        delivery.IsFailing.ShouldBeFalse();

        delivery.Failed(schedule, T0);
        delivery.IsFailing.ShouldBeTrue();
        PostbackDelivery.Failing.Compile()(delivery).ShouldBeTrue();

        delivery.Delivered(T0.AddMinutes(1));
        delivery.IsFailing.ShouldBeFalse();
    }
}

public sealed class RetryScheduleTests
{
    [Fact]
    public void Default_is_the_protocols_schedule()
    {
        RetrySchedule.Default.ToString().ShouldBe("60,300,1800,7200,21600,43200,86400");
        RetrySchedule.Parse(null).ShouldBeSameAs(RetrySchedule.Default);
    }

    [Fact]
    public void Parse_reads_what_ToString_wrote()
    {
        var schedule = RetrySchedule.Parse("30, 90,600");

        schedule.Delays.ShouldBe([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(10)]);
        schedule.DelayAfter(1).ShouldBe(TimeSpan.FromSeconds(30));
        schedule.DelayAfter(3).ShouldBe(TimeSpan.FromMinutes(10));
        schedule.DelayAfter(4).ShouldBeNull();
        schedule.DelayAfter(0).ShouldBeNull();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("60,,60")]
    [InlineData("700000")]
    public void Parse_refuses_nonsense(string stored) =>
        Should.Throw<Exception>(() => RetrySchedule.Parse(stored));

}

public sealed class PostbackSignatureTests
{
    private const string Key = "BddJxtUBkDgFB9kj7Zwguxde4gAqha";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Header_is_t_and_hmac_of_t_dot_query()
    {
        var header = PostbackSignature.Header(Key, "?shopID=1&saleID=2", Now);

        var t = Now.ToUnixTimeSeconds();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Key), System.Text.Encoding.UTF8.GetBytes($"{t}.shopID=1&saleID=2")));
        header.ShouldBe($"t={t},v1={expected}");
    }

    [Fact]
    public void Verify_accepts_a_fresh_header_and_refuses_old_changed_or_foreign_ones()
    {
        var header = PostbackSignature.Header(Key, "shopID=1&saleID=2", Now);

        PostbackSignature.Verify(header, Key, "shopID=1&saleID=2", Now.AddMinutes(4), TimeSpan.FromMinutes(5)).ShouldBeTrue();
        PostbackSignature.Verify(header, Key, "shopID=1&saleID=2", Now.AddMinutes(6), TimeSpan.FromMinutes(5)).ShouldBeFalse();
        PostbackSignature.Verify(header, Key, "shopID=1&saleID=3", Now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        PostbackSignature.Verify(header, "another-key-0123456789", "shopID=1&saleID=2", Now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        PostbackSignature.Verify("t=abc,v1=00", Key, "shopID=1", Now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        PostbackSignature.Verify(null, Key, "shopID=1", Now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
    }

}
