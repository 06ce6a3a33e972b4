using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Sales;

public class DeclineReasonTests
{
    public static TheoryData<DeclineReason> AllReasons() => [.. Enum.GetValues<DeclineReason>()];

    [Theory]
    [MemberData(nameof(AllReasons))]
    public void ForBuyer_gives_a_specific_sentence(DeclineReason reason)
    {
        var text = reason.ForBuyer();

        text.ShouldNotBeNullOrWhiteSpace();
        text.ShouldNotBe("The payment was declined.");
    }

    [Fact]
    public void ForBuyer_differs_for_each_reason()
    {
        var texts = Enum.GetValues<DeclineReason>().Select(r => r.ForBuyer()).ToList();

        texts.Distinct(StringComparer.Ordinal).Count().ShouldBe(texts.Count);
    }

    [Fact]
    public void ForBuyer_of_unavailable_acquirer_says_nothing_was_charged()
    {
        DeclineReason.AcquirerUnavailable.ForBuyer().ShouldContain("Nothing was charged");
    }
}
