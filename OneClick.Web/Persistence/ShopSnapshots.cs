using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OneClick.Core.Shops;

namespace OneClick.Web.Persistence;

/// <summary>
/// The shops as the buyer's pages and the postbacks read them, kept in memory until one changes (on
/// PostgreSQL, for <see cref="PostgreSqlLifetime"/> at most). A purchase read its shop (with its keys
/// and limits) three times; shops change a few times a day.
/// The snapshots are shared between requests: read them, never change them, and never read one
/// inside a transaction (a read of uncommitted or rolled-back data would be kept).
/// </summary>
public sealed class ShopSnapshots(DatabaseOptions database, TimeProvider clock)
{
    /// <summary>
    /// How long another node's change may go unseen here: on PostgreSQL a snapshot is read again after
    /// this, since a change committed by another node tells no one here (decision 030). One SQLite node
    /// sees every change it makes, and keeps its snapshots until then.
    /// </summary>
    public static readonly TimeSpan PostgreSqlLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, (Shop? Shop, long ReadAt)> shops = new();
    private readonly TimeSpan? lifetime = database.IsPostgreSql ? PostgreSqlLifetime : null;
    private long version;

    public async Task<Shop?> FindAsync(OneClickDbContext db, int shopId, CancellationToken cancellationToken)
    {
        if (shops.TryGetValue(shopId, out var cached) && (lifetime is not { } keep || clock.GetElapsedTime(cached.ReadAt) < keep))
        {
            return cached.Shop;
        }

        var before = Interlocked.Read(ref version);
        var readAt = clock.GetTimestamp();
        // One statement, so one snapshot: never the keys of one moment with the shop of another.
        var shop = await db.Shops.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(s => s.Id == shopId, cancellationToken);
        // A read that overlapped a change may be older than it: used once, not kept. Checked again
        // after the add, for a change that came between the check and the add. Unknown shop ids are
        // not kept either: anyone can send them.
        if (shop is not null && Interlocked.Read(ref version) == before)
        {
            var entry = (Shop: (Shop?)shop, ReadAt: readAt);
            shops[shopId] = entry;
            if (Interlocked.Read(ref version) != before)
            {
                shops.TryRemove(new KeyValuePair<int, (Shop?, long)>(shopId, entry));
            }
        }

        return shop;
    }

    public async Task<Shop> GetAsync(OneClickDbContext db, int shopId, CancellationToken cancellationToken) =>
        await FindAsync(db, shopId, cancellationToken) ?? throw new InvalidOperationException($"Shop {shopId} does not exist.");

    /// <summary>Something about a shop was committed: every snapshot is read again.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref version);
        shops.Clear();
    }
}

/// <summary>
/// Tells <see cref="ShopSnapshots"/> when a shop, its keys or its limits were saved: at once when the
/// save is its own transaction, at the commit when it is part of a larger one (and again at the
/// save, so that no read in between is kept).
/// </summary>
public sealed class ShopChangeInterceptor(ShopSnapshots snapshots) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly string ShopsNamespace = typeof(Shop).Namespace!;
    private readonly ConditionalWeakTable<DbContext, object> pending = new();

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    internal void Forget(DbContext? context)
    {
        if (context is not null)
        {
            pending.Remove(context);
        }
    }

    private void Note(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(e => e.State != EntityState.Unchanged && IsAboutShops(e.Metadata)))
        {
            pending.AddOrUpdate(context, true);
        }
    }

    /// <summary>A shop, its keys, its merchant, or what a shop owns (its turnover limits).</summary>
    internal static bool IsAboutShops(Microsoft.EntityFrameworkCore.Metadata.IEntityType type) =>
        type.ClrType.Namespace == ShopsNamespace || (type.FindOwnership()?.PrincipalEntityType is { } owner && IsAboutShops(owner));

    private void Saved(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out _))
        {
            snapshots.Changed();
            if (context.Database.CurrentTransaction is null)
            {
                pending.Remove(context);
            }
        }
    }

    internal void Committed(DbContext? context)
    {
        if (context is not null && pending.Remove(context))
        {
            snapshots.Changed();
        }
    }
}
