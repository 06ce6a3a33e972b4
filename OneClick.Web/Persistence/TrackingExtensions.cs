using Microsoft.EntityFrameworkCore;

namespace OneClick.Web.Persistence;

public static class TrackingExtensions
{
    /// <summary>
    /// Stops tracking what a refused command loaded or added, so that no later save in the same
    /// scope writes it (decision 021). Nulls are skipped.
    /// </summary>
    public static void Forget(this DbContext db, params IEnumerable<object?> entities)
    {
        foreach (var entity in entities)
        {
            if (entity is not null)
            {
                db.Entry(entity).State = EntityState.Detached;
            }
        }
    }

    /// <summary>
    /// What <c>ReloadAsync</c> does for an entity of scalar properties, from a row the caller read as
    /// it is stored (without tracking, by a compiled query): ReloadAsync builds and looks up its query
    /// afresh at every call, which inside a write turn is time every other writer waits for. A row
    /// that is gone stops the tracking at once, where ReloadAsync marks it Deleted first: no delete
    /// fix-up of the navigations, and tracked dependents are detached, not deleted. An added entity
    /// is left as it is, as ReloadAsync leaves it.
    /// </summary>
    public static void Reload<T>(this DbContext db, T tracked, T? stored)
        where T : class
    {
        var entry = db.Entry(tracked);
        if (stored is null)
        {
            if (entry.State != EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }

            return;
        }

        entry.CurrentValues.SetValues(stored);
        entry.OriginalValues.SetValues(stored);
        entry.State = EntityState.Unchanged;
    }
}
