using OneClick.Core.Postbacks;

namespace OneClick.Tests.Core.Postbacks;

/// <summary>A node's claim on a delivery (decision 029): one rule for the queries and for one delivery.</summary>
public sealed class PostbackDeliveryClaimTests
{
    private static readonly DateTime T0 = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(70);

    [Fact]
    public void Claim_of_a_due_delivery_holds_it_for_the_lease_then_it_is_due_again()
    {
        var delivery = New();

        delivery.Claim(T0, Lease);

        delivery.ClaimedUntil.ShouldBe(T0.AddSeconds(70));
        DueBothWays(delivery, T0).ShouldBeFalse();
        DueBothWays(delivery, T0.AddSeconds(69)).ShouldBeFalse();
        DueBothWays(delivery, T0.AddSeconds(70)).ShouldBeTrue(); // lapsed: another node may take it over
    }

    [Fact]
    public void Claim_of_a_claimed_delivery_is_refused_until_the_claim_lapses()
    {
        var delivery = New();
        delivery.Claim(T0, Lease);

        Should.Throw<InvalidOperationException>(() => delivery.Claim(T0.AddSeconds(69), Lease));
        delivery.ClaimedUntil.ShouldBe(T0.AddSeconds(70));

        delivery.Claim(T0.AddSeconds(70), Lease);
        delivery.ClaimedUntil.ShouldBe(T0.AddSeconds(140));
    }

    [Fact]
    public void Claim_of_a_delivery_not_yet_due_or_finished_is_refused()
    {
        var waiting = New();
        waiting.Failed(new RetrySchedule([TimeSpan.FromMinutes(1)]), T0);
        var delivered = New();
        delivered.Delivered(T0);

        Should.Throw<InvalidOperationException>(() => waiting.Claim(T0.AddSeconds(59), Lease));
        Should.Throw<InvalidOperationException>(() => delivered.Claim(T0.AddHours(1), Lease));
        waiting.Claim(T0.AddMinutes(1), Lease);
        waiting.ClaimedUntil.ShouldBe(T0.AddMinutes(1).AddSeconds(70));
    }

    [Fact]
    public void New_with_a_claim_is_written_claimed_by_the_node_that_sends_it()
    {
        var delivery = new PostbackDelivery(1, 2, PostbackKind.Sale, "https://m.example/pb", T0, claimFor: Lease);

        delivery.ClaimedUntil.ShouldBe(T0.AddSeconds(70));
        delivery.IsHeldUntil(T0.AddSeconds(70), T0.AddSeconds(1)).ShouldBeTrue();
        DueBothWays(delivery, T0.AddSeconds(1)).ShouldBeFalse();
        New().ClaimedUntil.ShouldBeNull();
    }

    [Fact]
    public void Delivered_Failed_and_DueNow_end_the_claim()
    {
        var schedule = new RetrySchedule([TimeSpan.FromMinutes(1)]);
        var delivered = New(claimed: true);
        var failed = New(claimed: true);
        var madeDue = New(claimed: true);

        delivered.Delivered(T0.AddSeconds(5));
        failed.Failed(schedule, T0.AddSeconds(5));
        madeDue.DueNow(T0.AddSeconds(5));

        delivered.ClaimedUntil.ShouldBeNull();
        failed.ClaimedUntil.ShouldBeNull();
        madeDue.ClaimedUntil.ShouldBeNull();
        DueBothWays(failed, T0.AddSeconds(65)).ShouldBeTrue();
        DueBothWays(madeDue, T0.AddSeconds(5)).ShouldBeTrue();
    }

    [Fact]
    public void RenewClaim_and_ReleaseClaim_only_by_the_claim_still_held()
    {
        var delivery = New(claimed: true);

        Should.Throw<InvalidOperationException>(() => delivery.RenewClaim(T0.AddSeconds(71), T0.AddSeconds(30), Lease)); // another claim
        Should.Throw<InvalidOperationException>(() => delivery.RenewClaim(T0.AddSeconds(70), T0.AddSeconds(70), Lease)); // lapsed
        delivery.RenewClaim(T0.AddSeconds(70), T0.AddSeconds(30), Lease);
        delivery.ClaimedUntil.ShouldBe(T0.AddSeconds(100));

        Should.Throw<InvalidOperationException>(() => delivery.ReleaseClaim(T0.AddSeconds(70), T0.AddSeconds(31)));
        delivery.ReleaseClaim(T0.AddSeconds(100), T0.AddSeconds(31));
        delivery.ClaimedUntil.ShouldBeNull();
        DueBothWays(delivery, T0.AddSeconds(31)).ShouldBeTrue();
    }

    [Fact]
    public void DueAt_keeps_the_time_a_parameter_of_the_query_not_a_literal()
    {
        var body = PostbackDelivery.DueAt(T0).Body.ToString();

        body.ShouldNotContain("2026"); // a constant would make EF Core translate the query again at every instant
        body.ShouldContain(".Now");
    }

    private static PostbackDelivery New(bool claimed = false) =>
        new(1, 2, PostbackKind.Sale, "https://m.example/pb", T0, claimed ? Lease : null);

    /// <summary>The expression the queries use and the method for one delivery, which must agree.</summary>
    private static bool DueBothWays(PostbackDelivery delivery, DateTime now)
    {
        var inMemory = delivery.IsDueAt(now);
        PostbackDelivery.DueAt(now).Compile()(delivery).ShouldBe(inMemory);
        return inMemory;
    }
}
