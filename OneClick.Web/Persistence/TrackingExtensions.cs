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
}
