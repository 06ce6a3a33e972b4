using System.Threading.RateLimiting;
using OneClick.Web.Features.Telemetry;

namespace OneClick.Web.Hosting;

/// <summary>
/// Per shop limits, so that one shop's flood cannot take the others' capacity. Counted only once a
/// request proved its shop (a valid signature, a valid API key): requests forged with a shop's id
/// cannot spend that shop's budget and shut its buyers out, and ids of no shop make no partitions.
/// </summary>
public sealed class ShopRateLimits(RateLimitOptions limits, TimeProvider clock, OneClickMetrics metrics) : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<int> merchantRequests = PartitionedRateLimiter.Create<int, int>(shopId =>
        RateLimitPartition.Get(shopId, id => new ClockWindowLimiter(clock, limits.StartOrderPerShopPerMinute, Minute,
            $"Too many requests for shop {id}: the gateway takes at most {limits.StartOrderPerShopPerMinute} startorder and salestatus requests a minute for one shop.", "startorder-per-shop")));

    private readonly PartitionedRateLimiter<int> api = PartitionedRateLimiter.Create<int, int>(shopId =>
        RateLimitPartition.Get(shopId, id => new ClockWindowLimiter(clock, limits.ApiPerShopPerMinute, Minute,
            $"Too many requests for shop {id}: the API takes at most {limits.ApiPerShopPerMinute} a minute for one shop.", "api-per-shop")));

    /// <summary>A signed startorder or salestatus request of the shop; null when it may go on.</summary>
    public RateLimitRefusal? StartOrder(int shopId) => Counted(RateLimitRefusal.IfRefused(merchantRequests.AttemptAcquire(shopId)));

    /// <summary>An API request authenticated by one of the shop's keys; null when it may go on.</summary>
    public RateLimitRefusal? Api(int shopId) => Counted(RateLimitRefusal.IfRefused(api.AttemptAcquire(shopId)));

    public void Dispose()
    {
        merchantRequests.Dispose();
        api.Dispose();
    }

    private RateLimitRefusal? Counted(RateLimitRefusal? refusal)
    {
        if (refusal is not null)
        {
            metrics.RateLimitRefused(refusal.Policy);
        }

        return refusal;
    }
}
