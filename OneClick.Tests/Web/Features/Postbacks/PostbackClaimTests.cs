using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Features.Postbacks.Commands;

namespace OneClick.Tests.Web.Features.Postbacks;

/// <summary>
/// Decision 029: a node claims a postback in the database before it sends it, so that two nodes never
/// both send it, and a dead node's claim lapses after its lease (70 s by default: the 10 s timeout and
/// a minute) for another to take it over.
/// </summary>
public sealed class PostbackClaimTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();

    public PostbackClaimTests() =>
        gateway.Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never); // the test says when the outbox looks

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
    }

    [Fact]
    public async Task ClaimAsync_fired_twice_in_parallel_for_one_due_delivery_is_won_by_exactly_one()
    {
        var deliveryId = await DueUnclaimedDeliveryAsync();

        await using var gate = await HeldGate.TakeAsync(gateway);
        var claims = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PostbackSender>().ClaimAsync(deliveryId, null, CancellationToken.None);
        })).ToList();
        await gate.UntilQueuedAsync(2); // both read it due and unclaimed
        await gate.ReleaseAsync();
        var claimed = await Task.WhenAll(claims);

        claimed.Count(d => d is not null).ShouldBe(1);
        var stored = await DeliveryAsync(deliveryId);
        stored.ClaimedUntil.ShouldNotBeNull();
        stored.ClaimedUntil.ShouldBe(claimed.Single(d => d is not null)!.ClaimedUntil);
    }

    [Fact]
    public async Task Sweep_leaves_a_delivery_claimed_by_a_dead_node_until_its_70_s_lease_ends_then_sends_it_once()
    {
        merchant.AnswerPostback = n => Task.FromResult(n <= 2 ? (500, "Down") : (200, "OK"));
        var (held, other) = (await BuyAsync(), await BuyAsync());
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryOfAsync(held)).Attempts == 1 && (await DeliveryOfAsync(other)).Attempts == 1, "both first attempts failed");
        // A node took the first when its retry came due (a minute on) and died holding it.
        var deadNodesClaim = Now.AddMinutes(1).AddSeconds(70);
        await gateway.InWriteTurnAsync(db => db.PostbackDeliveries.Where(d => d.SaleId == held)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, deadNodesClaim)));

        gateway.AdvanceAndSweep(TimeSpan.FromMinutes(1));
        // The same look in the database finds the other one: once it is delivered, that look is over.
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryOfAsync(other)).State == PostbackState.Delivered, "the unclaimed retry is delivered");
        (await DeliveryOfAsync(held)).Attempts.ShouldBe(1);
        (await SweepAsync()).DuePostbacks.ShouldBe(0);

        gateway.AdvanceAndSweep(TimeSpan.FromSeconds(70));
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryOfAsync(held)).State == PostbackState.Delivered, "the lapsed claim is taken over and delivered");

        var delivery = await DeliveryOfAsync(held);
        delivery.Attempts.ShouldBe(2);
        delivery.ClaimedUntil.ShouldBeNull();
        merchant.Postbacks.Count(p => Merchant.ParseQuery(p.Url.Query)["saleID"] == held.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(2); // the failed one, then one more
        (await gateway.WithDbAsync(db => db.PostbackAttempts.CountAsync(a => a.DeliveryId == delivery.Id))).ShouldBe(2);
    }

    [Fact]
    public async Task ClaimAsync_under_the_claim_written_with_the_sale_takes_no_write_turn_and_another_claim_gets_nothing()
    {
        var deliveryId = await DueUnclaimedDeliveryAsync();
        var ours = Now.AddSeconds(70);
        await gateway.InWriteTurnAsync(db => db.PostbackDeliveries.Where(d => d.Id == deliveryId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, ours)));

        PostbackDelivery? underOurs;
        PostbackDelivery? underAnother;
        await using (var gate = await HeldGate.TakeAsync(gateway))
        {
            // With the gate held, a claim that needed a write would never return.
            underOurs = await ClaimAsync(deliveryId, ours).WaitAsync(TimeSpan.FromSeconds(30));
            underAnother = await ClaimAsync(deliveryId, ours.AddSeconds(1)).WaitAsync(TimeSpan.FromSeconds(30));
        }

        underOurs.ShouldNotBeNull();
        underOurs.ClaimedUntil.ShouldBe(ours);
        underAnother.ShouldBeNull();
        (await DeliveryAsync(deliveryId)).ClaimedUntil.ShouldBe(ours);
    }

    [Fact]
    public async Task ClaimAsync_under_a_claim_with_less_than_the_40_s_a_send_needs_left_renews_it_for_70_s()
    {
        var deliveryId = await DueUnclaimedDeliveryAsync();
        var ours = Now.AddSeconds(70);
        await gateway.InWriteTurnAsync(db => db.PostbackDeliveries.Where(d => d.Id == deliveryId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, ours)));
        gateway.Clock.Advance(TimeSpan.FromSeconds(31)); // waited for a slot: 39 s left, under 10 s and half the minute

        var renewed = await ClaimAsync(deliveryId, ours);

        renewed.ShouldNotBeNull();
        renewed.ClaimedUntil!.Value.ShouldBeGreaterThan(ours);
        (await DeliveryAsync(deliveryId)).ClaimedUntil.ShouldBe(renewed.ClaimedUntil);
    }

    [Fact]
    public async Task DueAt_is_sent_to_the_database_with_the_time_as_a_parameter()
    {
        var sql = await gateway.WithDbAsync(db => Task.FromResult(db.PostbackDeliveries.Where(PostbackDelivery.DueAt(Now)).ToQueryString()));

        sql.ShouldContain("\"ClaimedUntil\" IS NULL");
        sql.ShouldContain("@Now"); // a literal would make EF Core translate the query again at every instant
    }

    /// <summary>A sale's postback that failed once and whose retry has come, with no look in the database since.</summary>
    private async Task<long> DueUnclaimedDeliveryAsync()
    {
        merchant.AnswerPostback = _ => Task.FromResult((500, "Down"));
        var saleId = await BuyAsync();
        await GatewayFactory.EventuallyAsync(async () => (await DeliveryOfAsync(saleId)).Attempts == 1, "the first attempt failed");
        gateway.Clock.Advance(TimeSpan.FromMinutes(1)); // no sweep comes: nothing sends it
        var delivery = await DeliveryOfAsync(saleId);
        delivery.IsDueAt(Now).ShouldBeTrue();
        return delivery.Id;
    }

    private async Task<PostbackDelivery?> ClaimAsync(long deliveryId, DateTime? claimedUntil)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostbackSender>().ClaimAsync(deliveryId, claimedUntil, CancellationToken.None);
    }

    private async Task<SweepOutboxOutcome> SweepAsync()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SweepOutbox>().RunAsync(CancellationToken.None);
    }

    private async Task<long> BuyAsync()
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase()));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], System.Globalization.CultureInfo.InvariantCulture);
    }

    private DateTime Now => gateway.Clock.GetUtcNow().UtcDateTime;

    private Task<PostbackDelivery> DeliveryAsync(long deliveryId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId));

    private Task<PostbackDelivery> DeliveryOfAsync(long saleId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));
}
