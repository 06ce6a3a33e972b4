using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Sales;

public class SaleTests
{
    private static readonly DateTime Later = CoreTestData.Now.AddSeconds(5);

    public static TheoryData<SaleResult> CompletedResults() => [SaleResult.Approved, SaleResult.Declined, SaleResult.Error];

    private static Sale SaleWith(SaleResult result)
    {
        var sale = CoreTestData.NewSale().WithId(9);
        switch (result)
        {
            case SaleResult.Pending:
                break;
            case SaleResult.Approved:
                sale.Approve("tx-1", CoreTestData.Now);
                break;
            case SaleResult.Declined:
                sale.Decline("tx-1", DeclineReason.CardDeclined, CoreTestData.Now);
                break;
            case SaleResult.Error:
                sale.Fail(CoreTestData.Now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result));
        }

        sale.Result.ShouldBe(result);
        return sale;
    }

    [Fact]
    public void New_sale_copies_order_and_card_and_is_pending()
    {
        var order = CoreTestData.NewOrder(amount: 12.34m, currency: "EUR");

        var sale = new Sale(order, CoreTestData.Card(), CoreTestData.Now);

        sale.OrderId.ShouldBe(order.Id);
        sale.ShopId.ShouldBe(order.ShopId);
        sale.Amount.ShouldBe(12.34m);
        sale.Currency.ShouldBe("EUR");
        sale.Price.AmountText.ShouldBe("12.34");
        sale.PaymentMethod.ShouldBe(PaymentMethod.CC);
        sale.Result.ShouldBe(SaleResult.Pending);
        sale.DeclineReason.ShouldBeNull();
        sale.TransactionId.ShouldBeNull();
        sale.ThreeDSecureChallenged.ShouldBeFalse();
        sale.CreatedAt.ShouldBe(CoreTestData.Now);
        sale.UpdatedAt.ShouldBe(CoreTestData.Now);
        sale.CompletedAt.ShouldBeNull();
    }

    [Theory]
    [InlineData("4242424242424242", CardBrand.Visa, "424242XXXXXX4242", "4242")]
    [InlineData("5555555555554444", CardBrand.Mastercard, "555555XXXXXX4444", "4444")]
    [InlineData("378282246310005", CardBrand.Amex, "378282XXXXX0005", "0005")]
    public void New_sale_copies_truncated_pan_and_brand(string number, CardBrand brand, string truncated, string lastFour)
    {
        var sale = CoreTestData.NewSale(card: number);

        sale.Brand.ShouldBe(brand);
        sale.TruncatedPan.ShouldBe(truncated);
        sale.LastFour.ShouldBe(lastFour);
    }

    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("378282246310005")]
    [InlineData("4000002760003184")]
    public void Sale_holds_no_full_pan_in_any_property(string number)
    {
        var sale = CoreTestData.NewSale(card: number);
        sale.AwaitAuthentication("tx-1", Later);
        sale.Approve("tx-1", Later);

        foreach (var property in typeof(Sale).GetProperties())
        {
            var value = property.GetValue(sale);
            (value?.ToString() ?? "").ShouldNotContain(number, customMessage: property.Name);
        }

        sale.ToString()!.ShouldNotContain(number);
    }

    [Fact]
    public void Approve_pending_sale_completes_it()
    {
        var sale = CoreTestData.NewSale();

        sale.Approve("tx-1", Later);

        sale.Result.ShouldBe(SaleResult.Approved);
        sale.TransactionId.ShouldBe("tx-1");
        sale.DeclineReason.ShouldBeNull();
        sale.UpdatedAt.ShouldBe(Later);
        sale.CompletedAt.ShouldBe(Later);
    }

    [Theory]
    [InlineData(DeclineReason.CardDeclined)]
    [InlineData(DeclineReason.InsufficientFunds)]
    [InlineData(DeclineReason.IncorrectCvc)]
    [InlineData(DeclineReason.ExpiredCard)]
    [InlineData(DeclineReason.AuthenticationFailed)]
    public void Decline_pending_sale_completes_it_with_reason(DeclineReason reason)
    {
        var sale = CoreTestData.NewSale();

        sale.Decline("tx-2", reason, Later);

        sale.Result.ShouldBe(SaleResult.Declined);
        sale.DeclineReason.ShouldBe(reason);
        sale.TransactionId.ShouldBe("tx-2");
        sale.CompletedAt.ShouldBe(Later);
    }

    [Fact]
    public void Decline_without_transaction_id_keeps_the_earlier_one()
    {
        var sale = CoreTestData.NewSale();
        sale.AwaitAuthentication("tx-3ds", CoreTestData.Now);

        sale.Decline(null, DeclineReason.AuthenticationFailed, Later);

        sale.TransactionId.ShouldBe("tx-3ds");
        sale.Result.ShouldBe(SaleResult.Declined);
    }

    [Fact]
    public void Fail_pending_sale_is_error_with_acquirer_unavailable()
    {
        var sale = CoreTestData.NewSale();

        sale.Fail(Later);

        sale.Result.ShouldBe(SaleResult.Error);
        sale.DeclineReason.ShouldBe(DeclineReason.AcquirerUnavailable);
        sale.CompletedAt.ShouldBe(Later);
    }

    [Fact]
    public void AwaitAuthentication_keeps_sale_pending_and_records_challenge()
    {
        var sale = CoreTestData.NewSale();

        sale.AwaitAuthentication("tx-3ds", Later);

        sale.Result.ShouldBe(SaleResult.Pending);
        sale.ThreeDSecureChallenged.ShouldBeTrue();
        sale.TransactionId.ShouldBe("tx-3ds");
        sale.UpdatedAt.ShouldBe(Later);
        sale.CompletedAt.ShouldBeNull();
    }

    [Fact]
    public void Approve_after_authentication_succeeds()
    {
        var sale = CoreTestData.NewSale();
        sale.AwaitAuthentication("tx-3ds", CoreTestData.Now);

        sale.Approve("tx-3ds", Later);

        sale.Result.ShouldBe(SaleResult.Approved);
        sale.ThreeDSecureChallenged.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(CompletedResults))]
    public void Approve_completed_sale_throws(SaleResult result)
    {
        var sale = SaleWith(result);
        var completedAt = sale.CompletedAt;

        Should.Throw<OrderStateException>(() => sale.Approve("tx-9", Later));

        sale.Result.ShouldBe(result);
        sale.CompletedAt.ShouldBe(completedAt);
    }

    [Theory]
    [MemberData(nameof(CompletedResults))]
    public void Decline_completed_sale_throws(SaleResult result)
    {
        var sale = SaleWith(result);

        Should.Throw<OrderStateException>(() => sale.Decline("tx-9", DeclineReason.CardDeclined, Later));

        sale.Result.ShouldBe(result);
    }

    [Theory]
    [MemberData(nameof(CompletedResults))]
    public void Fail_completed_sale_throws(SaleResult result)
    {
        var sale = SaleWith(result);

        Should.Throw<OrderStateException>(() => sale.Fail(Later));

        sale.Result.ShouldBe(result);
    }

    [Theory]
    [MemberData(nameof(CompletedResults))]
    public void AwaitAuthentication_on_completed_sale_throws(SaleResult result)
    {
        var sale = SaleWith(result);
        var transactionId = sale.TransactionId;

        Should.Throw<OrderStateException>(() => sale.AwaitAuthentication("tx-9", Later));

        sale.TransactionId.ShouldBe(transactionId);
    }
}
