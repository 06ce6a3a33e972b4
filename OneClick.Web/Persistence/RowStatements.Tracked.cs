using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace OneClick.Web.Persistence;

public sealed partial class RowStatements
{
    /// <summary>
    /// <c>SaveChanges</c> for a hot turn's unit of work: each added entity inserted and each modified
    /// one updated by a kept statement (only its modified columns, while its concurrency tokens hold
    /// their original values), then the tracker accepts the changes as <c>SaveChanges</c> does. A unit
    /// of work it cannot write so (a deletion, an owned or shadow column, an entity that refers to one
    /// not yet inserted, a shop's data) goes to <c>SaveChanges</c> whole.
    /// </summary>
    /// <returns>The entities written.</returns>
    /// <exception cref="DbUpdateConcurrencyException">A modified row was deleted, or its concurrency token changed.</exception>
    public async Task<int> SaveAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            return await db.SaveChangesAsync(cancellationToken); // not in a turn: a transaction of its own
        }

        var changed = new List<(EntityEntry Entry, RowColumns Table)>();
        foreach (var entry in db.ChangeTracker.Entries()) // detects changes, as SaveChanges does
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            // A shop's change is SaveChanges's too: its interceptor tells the shops' cache.
            if (entry.State == EntityState.Deleted || entry.Metadata.IsOwned() || ShopChangeInterceptor.IsAboutShops(entry.Metadata)
                || RefersToUnsaved(entry) || TryColumnsOf(db, entry.Metadata) is not { Plain: true } table)
            {
                return await db.SaveChangesAsync(cancellationToken);
            }

            changed.Add((entry, table));
        }

        if (InsertOrder(changed.Where(c => c.Entry.State == EntityState.Added).ToList()) is not { } inserts)
        {
            return await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var (entry, table) in inserts)
        {
            await InsertAsync(db, entry, table, cancellationToken);
        }

        foreach (var (entry, table) in changed.Where(c => c.Entry.State == EntityState.Modified))
        {
            await UpdateAsync(db, entry, table, cancellationToken);
        }

        db.ChangeTracker.AcceptAllChanges();
        return changed.Count;
    }

    private async Task InsertAsync(DbContext db, EntityEntry entry, RowColumns table, CancellationToken cancellationToken)
    {
        if (await InsertRowAsync(db, table, entry.Entity, entry, cancellationToken) is { } key)
        {
            // Through the entry: it replaces the temporary key in the tracker, as SaveChanges does.
            entry.Property(table.GeneratedKey!.Property).CurrentValue = key;
        }
    }

    private async Task UpdateAsync(DbContext db, EntityEntry entry, RowColumns table, CancellationToken cancellationToken)
    {
        // The columns SaveChanges would write: those the tracker marks modified (an owned type's
        // are its own entry's, and a changed one sent the unit of work to SaveChanges).
        var written = 0UL;
        for (var i = 0; i < table.Values.Length; i++)
        {
            if (table.Values[i].Owner is null && entry.Property(table.Values[i].Property).IsModified)
            {
                written |= 1UL << i;
            }
        }

        if (!await UpdateRowAsync(db, table, written, "", table.ValuesOf(entry.Entity), table.OriginalValuesOf(entry), entry, cancellationToken))
        {
            throw Conflict(table.EntityType.ClrType);
        }
    }

    /// <summary>
    /// The added entities with the principals first (an order before its sale: a key made by the
    /// client is not temporary, so nothing else orders them); null when their types refer to one
    /// another in a cycle, or a type to itself.
    /// </summary>
    private static List<(EntityEntry Entry, RowColumns Table)>? InsertOrder(List<(EntityEntry Entry, RowColumns Table)> added)
    {
        if (added.Count < 2)
        {
            return added;
        }

        var ordered = new List<(EntityEntry Entry, RowColumns Table)>(added.Count);
        var left = added;
        while (left.Count > 0)
        {
            var types = left.Select(a => a.Table.EntityType).ToHashSet();
            var ready = left.Where(a => !a.Table.EntityType.GetForeignKeys().Any(fk => types.Contains(fk.PrincipalEntityType))).ToList();
            if (ready.Count == 0)
            {
                return null;
            }

            ordered.AddRange(ready);
            left = [.. left.Except(ready)];
        }

        return ordered;
    }

    /// <summary>A foreign key (or any value) that is still temporary: it waits for another row's key.</summary>
    private static bool RefersToUnsaved(EntityEntry entry)
    {
        foreach (var property in entry.Properties)
        {
            if (property.IsTemporary && !property.Metadata.IsPrimaryKey())
            {
                return true;
            }
        }

        return false;
    }
}
