using OneClick.Core.Sales;
using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Wallets;

public sealed class CvcLockTests
{
    private static readonly DateTime Now = CoreTestData.Now;

    private const long CardId = 7;

    [Fact]
    public void Refuses_five_attempts_and_not_four()
    {
        CvcLock.Refuses(5).ShouldBeTrue();
        CvcLock.Refuses(4).ShouldBeFalse();
    }

    [Fact]
    public void LocksAfter_a_fifth_wrong_cvc_and_not_a_fourth()
    {
        CvcLock.LocksAfter(4).ShouldBeTrue();
        CvcLock.LocksAfter(3).ShouldBeFalse();
    }

    [Fact]
    public void LockedUntil_is_one_hour_later()
    {
        CvcLock.LockedUntil(Now).ShouldBe(new DateTime(2025, 6, 15, 13, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Attempts_count_wrong_cvcs_of_the_last_hour_and_pending_cvc_payments_of_the_last_15_minutes()
    {
        var sales = new[]
        {
            WrongCvc(minutesAgo: 59),
            WrongCvc(minutesAgo: 61),
            Pending(minutesAgo: 14),
            Pending(minutesAgo: 16),
            WrongCvc(minutesAgo: 5, cardId: 8),
            WrongCvc(minutesAgo: 5, instant: true),
            Declined(DeclineReason.CardDeclined, minutesAgo: 5),
        };

        sales.Count(CvcLock.Attempts(CardId, Now).Compile()).ShouldBe(2);
    }

    [Fact]
    public void WrongCvcs_leave_out_the_sale_being_declined_and_pending_payments()
    {
        var sales = new[] { WrongCvc(minutesAgo: 10, id: 1), WrongCvc(minutesAgo: 20, id: 2), Pending(minutesAgo: 1, id: 3) };

        sales.Count(CvcLock.WrongCvcs(CardId, exceptSaleId: 1, Now).Compile()).ShouldBe(1);
    }

    [Fact]
    public void Counts_a_wrong_cvc_typed_for_a_saved_card_only()
    {
        CvcLock.Counts(Sale(minutesAgo: 0, oneClick: true), DeclineReason.IncorrectCvc).ShouldBeTrue();
        CvcLock.Counts(Sale(minutesAgo: 0, oneClick: true), DeclineReason.CardDeclined).ShouldBeFalse();
        CvcLock.Counts(Sale(minutesAgo: 0, oneClick: true, instant: true), DeclineReason.IncorrectCvc).ShouldBeFalse();
        CvcLock.Counts(Sale(minutesAgo: 0, oneClick: false), DeclineReason.IncorrectCvc).ShouldBeFalse();
    }

    private static Sale WrongCvc(int minutesAgo, long cardId = CardId, bool instant = false, long id = 0) =>
        Declined(DeclineReason.IncorrectCvc, minutesAgo, cardId, instant, id);

    private static Sale Declined(DeclineReason reason, int minutesAgo, long cardId = CardId, bool instant = false, long id = 0)
    {
        var sale = Sale(minutesAgo, oneClick: true, instant, cardId, id);
        sale.Decline("tx", reason, Now);
        return sale;
    }

    private static Sale Pending(int minutesAgo, long id = 0) => Sale(minutesAgo, oneClick: true, id: id);

    private static Sale Sale(int minutesAgo, bool oneClick, bool instant = false, long cardId = CardId, long id = 0)
    {
        var sale = new Sale(CoreTestData.NewOrder(), CoreTestData.Card(), Now.AddMinutes(-minutesAgo)).WithId(id);
        sale.UseSavedCard(cardId, oneClick, instant, "browser");
        return sale;
    }
}
