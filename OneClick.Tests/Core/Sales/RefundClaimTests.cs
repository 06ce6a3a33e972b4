using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Sales;

/// <summary>A node's claim on a booked refund (decision 029): one node asks the acquirer.</summary>
public sealed class RefundClaimTests
{
    private static readonly DateTime T0 = CoreTestData.Now;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(90);

    [Fact]
    public void Claim_holds_a_requested_refund_for_the_lease_then_it_is_due_again()
    {
        var (_, refund) = Booked();
        DueBothWays(refund, T0).ShouldBeTrue();

        refund.Claim(T0, Lease);

        DueBothWays(refund, T0.AddSeconds(89)).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => refund.Claim(T0.AddSeconds(89), Lease));
        DueBothWays(refund, T0.AddSeconds(90)).ShouldBeTrue();
    }

    [Fact]
    public void RefundCompleted_and_RefundFailed_end_the_claim_and_the_refund_is_never_due_again()
    {
        var (sale, completed) = Booked(4.00m);
        var failed = sale.Refund(6.00m, "Rest", automatic: false, T0);
        completed.Claim(T0, Lease);
        failed.Claim(T0, Lease);

        sale.RefundCompleted(completed, "r1", T0.AddSeconds(1));
        sale.RefundFailed(failed, "Refused", T0.AddSeconds(1));

        completed.ClaimedUntil.ShouldBeNull();
        failed.ClaimedUntil.ShouldBeNull();
        DueBothWays(completed, T0.AddHours(1)).ShouldBeFalse();
        DueBothWays(failed, T0.AddHours(1)).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => completed.Claim(T0.AddHours(1), Lease));
    }

    [Fact]
    public void ReleaseClaim_only_by_the_claim_still_held_makes_it_due_at_once()
    {
        var (_, refund) = Booked();
        refund.Claim(T0, Lease);

        Should.Throw<InvalidOperationException>(() => refund.ReleaseClaim(T0.AddSeconds(91), T0.AddSeconds(1)));
        Should.Throw<InvalidOperationException>(() => refund.ReleaseClaim(T0.AddSeconds(90), T0.AddSeconds(90)));
        refund.ReleaseClaim(T0.AddSeconds(90), T0.AddSeconds(1));

        refund.ClaimedUntil.ShouldBeNull();
        DueBothWays(refund, T0.AddSeconds(1)).ShouldBeTrue();
    }

    private static (Sale Sale, Refund Refund) Booked(decimal amount = 10.00m)
    {
        var sale = CoreTestData.ApprovedSale(CoreTestData.NewOrder(amount: 10.00m));
        return (sale, sale.Refund(amount, "Customer asked", automatic: false, T0));
    }

    private static bool DueBothWays(Refund refund, DateTime now)
    {
        var inMemory = refund.IsDueAt(now);
        Refund.DueAt(now).Compile()(refund).ShouldBe(inMemory);
        return inMemory;
    }
}
