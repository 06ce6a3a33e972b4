using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary><see cref="TrackingExtensions.Reload"/> does what EF Core's ReloadAsync does, from a row read by the caller.</summary>
public sealed class TrackingExtensionsTests : IDisposable
{
    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Reload_takes_the_stored_row_and_leaves_nothing_to_save()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        var merchant = await db.Merchants.FirstAsync();
        await gateway.WithDbAsync(other => other.Merchants.Where(m => m.Id == merchant.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, "Renamed meanwhile")));

        db.Reload(merchant, await db.Merchants.AsNoTracking().SingleAsync(m => m.Id == merchant.Id));

        merchant.Name.ShouldBe("Renamed meanwhile");
        db.Entry(merchant).State.ShouldBe(EntityState.Unchanged);
        db.Entry(merchant).Property(m => m.Name).OriginalValue.ShouldBe("Renamed meanwhile");
        (await db.SaveChangesAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Reload_of_a_row_that_is_gone_stops_tracking_it()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        var merchant = await db.Merchants.FirstAsync();

        db.Reload(merchant, stored: null);

        db.Entry(merchant).State.ShouldBe(EntityState.Detached);
    }

    [Fact]
    public async Task Reload_of_an_added_entity_without_a_row_leaves_it_added()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OneClickDbContext>();
        var email = db.OutboxEmails.Add(new OneClick.Core.Notifications.OutboxEmail("buyer@example.test", "Receipt", "Thank you", new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc))).Entity;

        db.Reload(email, stored: null);

        db.Entry(email).State.ShouldBe(EntityState.Added);
    }
}
