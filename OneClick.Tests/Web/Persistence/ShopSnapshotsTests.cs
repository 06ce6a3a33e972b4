using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

public sealed class ShopSnapshotsTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Shop_saved_is_read_afresh_afterwards()
    {
        (await ReadAsync()).TurnoverLimitFor("EUR").ShouldBeNull();

        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).SetTurnoverLimit("EUR", 50m, null);
            return await db.SaveChangesAsync();
        });

        (await ReadAsync()).TurnoverLimitFor("EUR")!.PerDay.ShouldBe(50m);
    }

    [Fact]
    public async Task Shop_saved_inside_a_transaction_is_read_afresh_after_the_commit_not_kept_from_before()
    {
        await ReadAsync();
        await gateway.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == GatewayFactory.ShopId)).Rename("Renamed in a transaction");
            await db.SaveChangesAsync();
            // A read between the save and the commit sees the old name; it must not be kept.
            (await ReadAsync()).Name.ShouldNotBe("Renamed in a transaction");
            await transaction.CommitAsync();
            return 0;
        });

        (await ReadAsync()).Name.ShouldBe("Renamed in a transaction");
    }

    private async Task<OneClick.Core.Shops.Shop> ReadAsync()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        return await scope.ServiceProvider.GetRequiredService<ShopSnapshots>().GetAsync(db, GatewayFactory.ShopId, CancellationToken.None);
    }
}
