using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>
/// The commit hands the postback to the dispatcher: it does not wait for the scheduled sweep, nor for a
/// look in the database, and it goes out once.
/// </summary>
public sealed class PostbackPromptnessTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public PostbackPromptnessTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never); // no sweep would come

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task Postback_goes_out_on_commit_without_waiting_for_the_sweep()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        page.Heading.ShouldBe("Payment approved");

        // A generous bound for a slow machine, far below the hour the sweep would take.
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!merchant.Postbacks.IsEmpty), "the postback was sent on commit", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Postbacks_past_the_shops_limit_of_2_wait_their_turn_and_all_go_out_without_the_sweep()
    {
        gateway.Set("OneClick:Postbacks:PerShopConcurrency", "2");
        var release = MerchantHangs();

        for (var i = 0; i < 5; i++)
        {
            await BuyAsync();
        }

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(merchant.Postbacks.Count == 2), "two postbacks hang at the merchant");
        (await PendingAsync()).ShouldBe(5);
        merchant.Postbacks.Count.ShouldBe(2); // the other three wait for a slot
        release.SetResult();

        await GatewayFactory.EventuallyAsync(async () => await PendingAsync() == 0, "all five were delivered, the sweep an hour away");
        merchant.PostbackSaleIds().Count.ShouldBe(5);
        merchant.Postbacks.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Twenty_purchases_at_once_while_the_dispatcher_also_looks_in_the_database_post_each_sale_once()
    {
        var signal = gateway.Services.GetRequiredService<OutboxSignal>();
        using var stop = new CancellationTokenSource();
        // Each wake-up makes the next round look in the database too, where the handed-over postbacks are.
        var waking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                signal.Wake();
                await Task.Yield();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(BuyAsync)));
        await GatewayFactory.EventuallyAsync(async () => await PendingAsync() == 0, "all twenty were delivered");
        await stop.CancelAsync();
        await waking;

        var deliveries = await gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().ToListAsync());
        deliveries.Count.ShouldBe(20);
        deliveries.ShouldAllBe(d => d.State == PostbackState.Delivered && d.Attempts == 1);
        merchant.PostbackSaleIds().Count.ShouldBe(20);
        merchant.Postbacks.Count.ShouldBe(20);
    }

    [Fact]
    public async Task Hanging_shop_past_its_4_in_memory_keeps_its_backlog_in_the_database_and_another_shop_still_posts_at_once()
    {
        // One slot per shop: four of its postbacks wait in memory at most, the rest in the database.
        using var otherMerchant = new MerchantSite();
        const string otherKey = "OtherShopKey-0123456789abcdef";
        gateway.Set("OneClick:Postbacks:PerShopConcurrency", "1")
            .Set("OneClick:Postbacks:Timeout", "00:00:30")
            .Set("OneClick:Postbacks:PrivateHosts:0", otherMerchant.BaseUrl);
        var otherShop = await gateway.AddShopAsync(70021, otherKey, otherMerchant.PostbackUrl);
        var release = MerchantHangs();

        for (var i = 0; i < 7; i++)
        {
            await BuyAsync();
        }

        await GatewayFactory.EventuallyAsync(() => Task.FromResult(merchant.Postbacks.Count == 1), "one postback hangs at the merchant");
        var other = Buyer.Of(gateway);
        (await other.PayAsync(await other.StartAsync(Merchant.Purchase(shopId: otherShop), otherKey))).Heading.ShouldBe("Payment approved");
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(!otherMerchant.Postbacks.IsEmpty), "the other shop's postback went out at once", TimeSpan.FromSeconds(5));
        merchant.Postbacks.Count.ShouldBe(1);

        release.SetResult();
        // Two of the seven were left in the database, their claims given up (decision 029): each ending
        // send of the shop asks for them again.
        await GatewayFactory.EventuallyAsync(async () => await PendingAsync() == 0, "all seven were delivered, the sweep an hour away");
        merchant.PostbackSaleIds().Count.ShouldBe(7);
    }

    /// <summary>The merchant holds every postback until the returned source is set (30 s at most).</summary>
    private TaskCompletionSource MerchantHangs()
    {
        var release = new TaskCompletionSource();
        merchant.AnswerPostback = async _ =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return (200, "OK");
        };
        return release;
    }

    /// <summary>One approved card purchase at the seeded shop.</summary>
    private async Task BuyAsync()
    {
        var buyer = Buyer.Of(gateway);
        (await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()))).Heading.ShouldBe("Payment approved");
    }

    private Task<int> PendingAsync() =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.CountAsync(d => d.State == PostbackState.Pending));
}
