using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Sales;

public sealed class DeclinePolicyTests
{
    [Theory]
    [InlineData(DeclineReason.CardDeclined, true)]
    [InlineData(DeclineReason.IncorrectCvc, true)]
    [InlineData(DeclineReason.AuthenticationFailed, true)]
    [InlineData(DeclineReason.TurnoverLimitReached, false)]
    [InlineData(DeclineReason.AuthenticationAbandoned, false)]
    public void ConcernsCard_is_false_for_the_gateways_own_refusals(DeclineReason reason, bool concerns)
    {
        DeclinePolicy.ConcernsCard(reason).ShouldBe(concerns);
    }

    [Theory]
    [InlineData(DeclineReason.CardDeclined, true)]
    [InlineData(DeclineReason.InsufficientFunds, true)]
    [InlineData(DeclineReason.ExpiredCard, true)]
    [InlineData(DeclineReason.AuthenticationFailed, true)]
    [InlineData(DeclineReason.IncorrectCvc, false)]
    [InlineData(DeclineReason.TurnoverLimitReached, false)]
    [InlineData(DeclineReason.AuthenticationAbandoned, false)]
    public void CountsAgainstCard_leaves_out_a_wrong_cvc_and_the_gateways_refusals(DeclineReason reason, bool counts)
    {
        DeclinePolicy.CountsAgainstCard(reason).ShouldBe(counts);
    }

    [Fact]
    public void DeclinedAttempt_agrees_with_CountsAsAttempt_for_every_reason()
    {
        var inSql = DeclinePolicy.DeclinedAttempt.Compile();
        foreach (var reason in Enum.GetValues<DeclineReason>())
        {
            var sale = CoreTestData.NewSale();
            sale.Decline("tx", reason, CoreTestData.Now);

            inSql(sale).ShouldBe(DeclinePolicy.CountsAsAttempt(reason), reason.ToString());
        }
    }

    [Fact]
    public void DeclinedAttempt_leaves_out_approved_and_pending_sales()
    {
        var inSql = DeclinePolicy.DeclinedAttempt.Compile();

        inSql(CoreTestData.NewSale()).ShouldBeFalse();
        inSql(CoreTestData.ApprovedSale(CoreTestData.NewOrder())).ShouldBeFalse();
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void ClosesOrder_at_the_fifth_declined_attempt(int earlierAttempts, bool closes)
    {
        DeclinePolicy.ClosesOrder(DeclineReason.CardDeclined, declineUrlGiven: false, earlierAttempts).ShouldBe(closes);
    }

    [Fact]
    public void ClosesOrder_at_the_first_decline_when_the_merchant_gave_a_decline_url()
    {
        DeclinePolicy.ClosesOrder(DeclineReason.IncorrectCvc, declineUrlGiven: true, earlierAttempts: 0).ShouldBeTrue();
    }

    [Fact]
    public void ClosesOrder_never_for_the_turnover_limit()
    {
        DeclinePolicy.ClosesOrder(DeclineReason.TurnoverLimitReached, declineUrlGiven: true, earlierAttempts: 4).ShouldBeFalse();
    }
}
