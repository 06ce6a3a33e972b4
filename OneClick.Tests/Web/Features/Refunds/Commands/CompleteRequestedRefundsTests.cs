using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Core.Acquiring;
using OneClick.Core.Sales;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Postbacks.Commands;
using OneClick.Web.Features.Refunds.Commands;

namespace OneClick.Tests.Web.Features.Refunds.Commands;

/// <summary>
/// Decision 029 for refunds: each is claimed in the database before the acquirer is asked, so that two
/// nodes never ask it to refund one sale twice, and a dead node's claim lapses after its lease (90 s:
/// the acquirer's 30 s and a minute) for another to take it over.
/// </summary>
public sealed class CompleteRequestedRefundsTests : IDisposable
{
    private readonly CountingAcquirer acquirer = new(new SandboxAcquirer());
    private readonly GatewayFactory gateway;

    public CompleteRequestedRefundsTests() =>
        gateway = new GatewayFactory()
            .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never) // the test runs the refunds itself
            .WithServices(services => services.Replace(ServiceDescriptor.Singleton<IAcquirer>(acquirer)));

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task RunAsync_by_two_nodes_at_once_asks_the_acquirer_once_for_one_refund()
    {
        var refundId = await BookRefundAsync(await BuyAsync(), claimedFor: null);

        await using var gate = await HeldGate.TakeAsync(gateway);
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(RunAsync)).ToList();
        await gate.UntilQueuedAsync(2); // both read it due and unclaimed
        await gate.ReleaseAsync();
        var outcomes = await Task.WhenAll(workers);

        outcomes.Sum(o => o.Completed).ShouldBe(1);
        acquirer.RefundsAsked($"refund-{refundId}").ShouldBe(1);
        var refund = await RefundAsync(refundId);
        refund.State.ShouldBe(RefundState.Completed);
        refund.ClaimedUntil.ShouldBeNull();
    }

    [Fact]
    public async Task RunAsync_leaves_a_refund_claimed_by_a_dead_node_until_its_90_s_lease_ends_then_asks_once()
    {
        var held = await BookRefundAsync(await BuyAsync(), claimedFor: CompleteRequestedRefunds.ClaimLease);

        (await RunAsync()).Completed.ShouldBe(0);
        acquirer.RefundsAsked($"refund-{held}").ShouldBe(0);
        (await SweepAsync()).RequestedRefunds.ShouldBe(0);

        gateway.Clock.Advance(TimeSpan.FromSeconds(90));
        (await SweepAsync()).RequestedRefunds.ShouldBe(1);
        // The sweep also wakes the gateway's own dispatcher, which may take the refund first (CI saw it):
        // either way it completes once, and nothing is left to ask.
        (await RunAsync()).Completed.ShouldBeLessThanOrEqualTo(1);
        await GatewayFactory.EventuallyAsync(async () => (await RefundAsync(held)).State == RefundState.Completed, "the refund completes");
        (await RunAsync()).Completed.ShouldBe(0);

        acquirer.RefundsAsked($"refund-{held}").ShouldBe(1);
        (await RefundAsync(held)).State.ShouldBe(RefundState.Completed);
    }

    [Fact]
    public async Task RunAsync_when_the_acquirer_fails_gives_the_claim_up_so_that_the_next_round_asks_again()
    {
        var refundId = await BookRefundAsync(await BuyAsync(), claimedFor: null);
        acquirer.FailNext = true;

        (await RunAsync()).Completed.ShouldBe(0);
        (await RefundAsync(refundId)).ClaimedUntil.ShouldBeNull();
        (await RunAsync()).Completed.ShouldBe(1);

        acquirer.RefundsAsked($"refund-{refundId}").ShouldBe(2);
    }

    /// <summary>A whole refund of the sale, booked as staff would, without waking the outbox; with <paramref name="claimedFor"/>, claimed by a node that then died.</summary>
    private async Task<long> BookRefundAsync(long saleId, TimeSpan? claimedFor)
    {
        Refund? refund = null;
        await gateway.InWriteTurnAsync(async db =>
        {
            var now = gateway.Clock.GetUtcNow().UtcDateTime;
            var sale = await db.Sales.SingleAsync(s => s.Id == saleId);
            refund = sale.Refund(sale.RefundableAmount, "Customer asked", automatic: false, now);
            if (claimedFor is { } lease)
            {
                refund.Claim(now, lease);
            }

            db.Refunds.Add(refund);
            await db.SaveChangesAsync();
        });
        return refund!.Id;
    }

    private async Task<CompleteRequestedRefundsOutcome> RunAsync()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CompleteRequestedRefunds>().RunAsync(CancellationToken.None);
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

    private Task<Refund> RefundAsync(long id) => gateway.WithDbAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.Id == id));

    /// <summary>The sandbox, counting the refunds it is asked for by idempotency key (and failing one when told to).</summary>
    private sealed class CountingAcquirer(IAcquirer inner) : IAcquirer
    {
        private readonly ConcurrentDictionary<string, int> asked = new();

        public volatile bool FailNext;

        public int RefundsAsked(string idempotencyKey) => asked.GetValueOrDefault(idempotencyKey);

        public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken) =>
            inner.AuthorizeAsync(request, cancellationToken);

        public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken) =>
            inner.CompleteAuthenticationAsync(transactionId, authenticated, cancellationToken);

        public Task<RefundResult> RefundAsync(string transactionId, OneClick.Core.Money amount, string idempotencyKey, CancellationToken cancellationToken)
        {
            asked.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
            if (FailNext)
            {
                FailNext = false;
                throw new HttpRequestException("The acquirer is away");
            }

            return inner.RefundAsync(transactionId, amount, idempotencyKey, cancellationToken);
        }
    }
}
