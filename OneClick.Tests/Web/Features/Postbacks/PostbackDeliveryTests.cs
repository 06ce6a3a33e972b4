using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>Postbacks to a real HTTP listener standing in for the merchant (docs/protocol.md section 5).</summary>
public sealed class PostbackDeliveryTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public PostbackDeliveryTests()
    {
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Postbacks:Timeout", "00:00:05");
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Approved_sale_postback_is_delivered_with_signed_fields_and_header()
    {
        var saleId = await BuyAsync();

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the merchant received the postback");
        var (url, header) = merchant.Postbacks.Single();
        var fields = Merchant.VerifiedQuery(url.ToString());
        fields["saleID"].ShouldBe(saleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        fields["priceAmount"].ShouldBe("9.99");
        fields["truncatedPAN"].ShouldBe("424242XXXXXX4242");
        PostbackSignature.Verify(header, GatewayFactory.SignatureKey, url.Query, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, "the delivery is marked delivered");
        var attempt = await gateway.WithDbAsync(db => db.PostbackAttempts.SingleAsync());
        attempt.StatusCode.ShouldBe(200);
        attempt.ResponseExcerpt.ShouldBe("OK");
        attempt.Acknowledged.ShouldBeTrue();
    }

    [Fact]
    public async Task Postback_answered_500_three_times_then_OK_is_delivered_with_three_failed_attempts()
    {
        merchant.AnswerPostback = n => Task.FromResult(n <= 3 ? (500, "Internal error") : (200, " OK\n"));
        var saleId = await BuyAsync();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == attempt, $"attempt {attempt} is recorded");
            gateway.AdvanceAndSweep(TimeSpan.FromHours(3)); // past the wait after any of the first three failures
        }

        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, "the fourth attempt is acknowledged");
        var attempts = await gateway.WithDbAsync(db => db.PostbackAttempts.OrderBy(a => a.Id).ToListAsync());
        attempts.Select(a => a.StatusCode).ShouldBe([500, 500, 500, 200]);
        attempts.Select(a => a.Acknowledged).ShouldBe([false, false, false, true]);
        attempts[0].ResponseExcerpt.ShouldBe("Internal error");
        (await SaleAsync(saleId)).Result.ShouldBe(SaleResult.Approved);
    }

    [Fact]
    public async Task Postback_never_acknowledged_refunds_the_sale_when_the_schedule_runs_out()
    {
        merchant.AnswerPostback = _ => Task.FromResult((200, "Thanks!"));
        var saleId = await BuyAsync(email: "buyer@example.com");
        var schedule = RetrySchedule.Default.Delays.Count;

        for (var attempt = 1; attempt <= schedule; attempt++)
        {
            await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == attempt, $"attempt {attempt} is recorded");
            (await SaleAsync(saleId)).Result.ShouldBe(SaleResult.Approved);
            gateway.AdvanceAndSweep(RetrySchedule.Default.Delays[attempt - 1]);
        }

        await GatewayFactory.EventuallyAsync(async () => (await SaleAsync(saleId)).Result == SaleResult.Refunded, "the sale is refunded");
        var delivery = await DeliveryAsync(saleId);
        delivery.State.ShouldBe(PostbackState.GivenUp);
        delivery.Attempts.ShouldBe(schedule + 1);
        await GatewayFactory.EventuallyAsync(
            async () => (await gateway.WithDbAsync(db => db.Refunds.SingleAsync(r => r.SaleId == saleId))).State == RefundState.Completed,
            "the acquirer confirms the refund");
        var refund = await gateway.WithDbAsync(db => db.Refunds.SingleAsync(r => r.SaleId == saleId));
        refund.Automatic.ShouldBeTrue();
        refund.AcquirerRefundId.ShouldNotBeNull();
        refund.Amount.ShouldBe(9.99m);
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(merchant.Postbacks.Any(p => p.Url.Query.Contains("event=credit", StringComparison.Ordinal))), "the merchant is told of the refund");
        var credit = Merchant.VerifiedQuery(merchant.Postbacks.Last(p => p.Url.Query.Contains("event=credit", StringComparison.Ordinal)).Url.ToString());
        credit["priceAmount"].ShouldBe("9.99");
        credit["saleID"].ShouldBe(saleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(Emails().Any(e => e.Contains("Refund of your payment", StringComparison.Ordinal))), "the buyer is told of the refund");
    }

    [Fact]
    public async Task Hanging_endpoint_times_out_and_does_not_delay_another_shops_postback()
    {
        using var otherMerchant = new MerchantSite();
        const string otherKey = "OtherShopKey-0123456789abcdef";
        gateway.Set("OneClick:Postbacks:PrivateHosts:0", otherMerchant.BaseUrl); // on 127.0.0.1 too: the operator names it
        var otherShop = await gateway.AddShopAsync(70001, otherKey, otherMerchant.PostbackUrl);
        var release = new TaskCompletionSource();
        merchant.AnswerPostback = async _ =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return (200, "OK");
        };

        var hanging = await BuyAsync();
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the hanging merchant was called");
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: otherShop), otherKey));
        page.Heading.ShouldBe("Payment approved");

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!otherMerchant.Postbacks.IsEmpty), "the other shop's postback went out while the first hangs", TimeSpan.FromSeconds(4));
        (await DeliveryAsync(hanging)).Attempts.ShouldBe(0);
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(hanging)).Attempts == 1, "the hanging attempt times out");
        release.SetResult();
        var attempt = await gateway.WithDbAsync(db => db.PostbackAttempts.SingleAsync(a => a.Url.StartsWith(merchant.BaseUrl)));
        attempt.StatusCode.ShouldBeNull();
        attempt.Error.ShouldBe("No answer within 5 s");
        attempt.DurationMs.ShouldBeGreaterThanOrEqualTo(4900);
    }

    [Fact]
    public async Task Merchant_with_four_hanging_shops_does_not_delay_another_merchants_postback()
    {
        // 2 per shop, 4 per merchant, 8 in all: without the merchant's limit its four shops take all 8.
        using var slowSite = new MerchantSite();
        var release = new TaskCompletionSource();
        slowSite.AnswerPostback = async _ =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return (200, "OK");
        };
        gateway.Set("OneClick:Postbacks:PerShopConcurrency", "2")
            .Set("OneClick:Postbacks:PerMerchantConcurrency", "4")
            .Set("OneClick:Postbacks:TotalConcurrency", "8")
            .Set("OneClick:Postbacks:Timeout", "00:00:30")
            .Set("OneClick:Postbacks:PrivateHosts:0", slowSite.BaseUrl);
        int[] slowShops = [70011, 70012, 70013, 70014];
        const string slowKey = "SlowMerchantKey-0123456789abc";
        await AddMerchantAsync(slowKey, slowShops.Select(id => (id, $"{slowSite.PostbackUrl}?shop={id}")));

        try
        {
            foreach (var shopId in slowShops.Concat(slowShops))
            {
                var buyer = Buyer.Of(gateway);
                (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: shopId), slowKey))).Heading.ShouldBe("Payment approved");
            }

            await GatewayFactory.EventuallyAsync(() => Task.FromResult(slowSite.Postbacks.Count >= 4), "the slow merchant's shops hang on their postbacks");
            await BuyAsync();

            await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the other merchant's postback went out while the slow ones hang", TimeSpan.FromSeconds(5));
            slowSite.Postbacks.Count.ShouldBe(4);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Theory]
    [InlineData("OK", 1022, "X", false)]
    [InlineData("OK", 1300, "X", false)]
    [InlineData(" OK\n", 0, "", true)]
    [InlineData("OK", 4094, "", true)]
    [InlineData("OK", 4095, "", false)]
    public async Task Postback_answer_is_acknowledged_only_when_its_whole_body_is_OK(string start, int spaces, string end, bool acknowledged)
    {
        merchant.AnswerPostback = _ => Task.FromResult((200, start + new string(' ', spaces) + end));
        var saleId = await BuyAsync();

        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the answer is recorded");

        var attempt = await gateway.WithDbAsync(db => db.PostbackAttempts.SingleAsync());
        attempt.Acknowledged.ShouldBe(acknowledged);
        (await DeliveryAsync(saleId)).State.ShouldBe(acknowledged ? PostbackState.Delivered : PostbackState.Pending);
    }

    [Fact]
    public async Task Receipt_email_goes_to_the_buyer_with_the_masked_card_only()
    {
        await BuyAsync(email: "jane@example.com");

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(Emails().Count == 1), "the receipt is written");
        var receipt = Emails().Single();
        receipt.ShouldContain("To: jane@example.com");
        receipt.ShouldContain("Subject: Your payment to Demo Credits Shop");
        receipt.ShouldContain("Visa •••• 4242");
        receipt.ShouldNotContain("4242424242424242");
        receipt.ShouldNotContain("4242 4242 4242 4242");
    }

    [Fact]
    public async Task Shop_without_postback_url_gets_no_postback_and_no_refund()
    {
        const string key = "NoPostbackShop-0123456789abcd";
        var shopId = await gateway.AddShopAsync(70002, key, postbackUrl: null);
        var buyer = Buyer.Of(gateway);

        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(shopId: shopId), key));

        page.Heading.ShouldBe("Payment approved");
        (await gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.ShopId == shopId))).ShouldBe(0);
    }

    [Fact]
    public async Task Two_refunds_of_a_whole_sale_at_once_give_back_once()
    {
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).State == PostbackState.Delivered, "the sale's postback is delivered");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            // An administrator (every merchant's sales) asking, as the sale page would.
            scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, StaffRoles.Administrator)], "test")),
            };
            return await scope.ServiceProvider.GetRequiredService<RefundSale>().RunAsync(saleId, 9.99m, "Customer asked", CancellationToken.None);
        }));

        outcomes.Count(o => o is RefundSaleOutcome.Requested).ShouldBe(1);
        outcomes.Count(o => o is RefundSaleOutcome.Refused).ShouldBe(1);
        await GatewayFactory.EventuallyAsync(async () => (await SaleAsync(saleId)).Result == SaleResult.Refunded, "the refund is confirmed");
        (await gateway.WithDbAsync(db => db.Refunds.CountAsync(r => r.SaleId == saleId))).ShouldBe(1);
        (await SaleAsync(saleId)).RefundedAmount.ShouldBe(9.99m);
    }

    [Fact]
    public async Task Postback_answer_that_breaks_off_is_a_recorded_failed_attempt_not_a_loop()
    {
        merchant.AnswerPostback = _ => throw new InvalidOperationException("the merchant's server fell over mid-answer");
        var saleId = await BuyAsync();

        await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == 1, "the broken answer is recorded");
        await Task.Delay(500);

        (await DeliveryAsync(saleId)).Attempts.ShouldBe(1);
        merchant.Postbacks.Count.ShouldBe(1);
    }

    private async Task<long> BuyAsync(string? email = null)
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        if (email is not null)
        {
            parameters["email"] = email;
        }

        var page = await buyer.PayAsync(await buyer.StartAsync(parameters));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One merchant with several shops, all signed with one key.</summary>
    private Task<int> AddMerchantAsync(string key, IEnumerable<(int ShopId, string PostbackUrl)> shops) =>
        gateway.WithDbAsync(async db =>
        {
            var owner = new OneClick.Core.Shops.Merchant("Slow Merchant", DateTime.UtcNow);
            db.Merchants.Add(owner);
            await db.SaveChangesAsync();
            foreach (var (shopId, postbackUrl) in shops)
            {
                var shop = new OneClick.Core.Shops.Shop(shopId, owner.Id, $"Slow Shop {shopId}", new Uri("http://other.test/"), DateTime.UtcNow);
                shop.AddSignatureKey(key, DateTime.UtcNow);
                shop.SetUrls(new Uri("http://other.test/ok"), null, new Uri(postbackUrl));
                db.Shops.Add(shop);
            }

            return await db.SaveChangesAsync();
        });

    private Task<PostbackDelivery> DeliveryAsync(long saleId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));

    private Task<Sale> SaleAsync(long saleId) => gateway.WithDbAsync(db => db.Sales.AsNoTracking().SingleAsync(s => s.Id == saleId));

    private List<string> Emails()
    {
        var folder = Path.Combine(gateway.DataDirectory, "outbox");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Select(File.ReadAllText).ToList() : [];
    }
}
