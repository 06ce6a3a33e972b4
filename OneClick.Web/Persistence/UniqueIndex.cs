using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace OneClick.Web.Persistence;

/// <summary>A save refused by a unique index: a parallel request saved the same key first.</summary>
public static class UniqueIndex
{
    /// <summary>SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's unique_violation (23505), the only answers that say a key was taken.</summary>
    public static bool Refused(DbUpdateException exception) =>
        exception.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 }
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// The index on an order's (shop, referenceID) refused it: a parallel request with the same
    /// referenceID saved its order first. An order without a referenceID meets no such index.
    /// </summary>
    public static bool RefusedReference(DbUpdateException exception, string? referenceId) =>
        referenceId is not null && Refused(exception);
}
