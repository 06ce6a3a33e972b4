using System.Net;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Api.Commands;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>The recurring purge of idempotency keys, run through Hangfire with the clock moved (decision 027).</summary>
public sealed class IdempotencyKeyPurgeTests : IDisposable
{
    private const string Hpp = "/api/v1/orders/hpp";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Purge_job_forgets_keys_after_24_hours_and_keeps_younger_ones()
    {
        var api = MerchantApi.Of(gateway);
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-old")).Status.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(TimeSpan.FromHours(23));
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2"), "key-young")).Status.ShouldBe(HttpStatusCode.OK);

        gateway.Clock.Advance(TimeSpan.FromMinutes(59));
        (await gateway.RunJobAsync<ForgetIdempotencyKeysOutcome>("idempotency-key-purge")).Forgotten.ShouldBe(0);
        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        (await gateway.RunJobAsync<ForgetIdempotencyKeysOutcome>("idempotency-key-purge")).Forgotten.ShouldBe(1);

        (await KeysAsync()).ShouldBe(["key-young"]);
    }

    private Task<List<string>> KeysAsync() => gateway.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().Select(r => r.Key).ToListAsync());
}
