namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A test of SQLite's own machinery (kept connections and statements, WAL files, PRAGMAs): it has no
/// counterpart on PostgreSQL, and is skipped, saying so, when the suite runs there (<see cref="TestDatabase"/>).
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.IsPostgreSql)
        {
            Skip = "SQLite's own machinery: the suite runs on PostgreSQL (ONECLICK_TEST_DATABASE).";
        }
    }
}

/// <summary>A test that needs a PostgreSQL server, whichever database the suite runs on; skipped, saying what to run, when none answers.</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (TestDatabase.PostgreSqlUnreachable is { } why)
        {
            Skip = why;
        }
    }
}

/// <summary><see cref="PostgreSqlFactAttribute"/> for a theory.</summary>
public sealed class PostgreSqlTheoryAttribute : TheoryAttribute
{
    public PostgreSqlTheoryAttribute()
    {
        if (TestDatabase.PostgreSqlUnreachable is { } why)
        {
            Skip = why;
        }
    }
}

/// <summary><see cref="SqliteFactAttribute"/> for a theory.</summary>
public sealed class SqliteTheoryAttribute : TheoryAttribute
{
    public SqliteTheoryAttribute()
    {
        if (TestDatabase.IsPostgreSql)
        {
            Skip = "SQLite's own machinery: the suite runs on PostgreSQL (ONECLICK_TEST_DATABASE).";
        }
    }
}

/// <summary>
/// A browser test of how the pages read and are used (languages, accessibility), whatever the
/// database holds: the same on both, so run in the SQLite pass only, which keeps CI's second pass
/// short. The payments these tests make are proven on PostgreSQL by the flow tests.
/// </summary>
public sealed class PagesFactAttribute : FactAttribute
{
    public PagesFactAttribute()
    {
        if (TestDatabase.IsPostgreSql)
        {
            Skip = PagesTheoryAttribute.Reason;
        }
    }
}

/// <summary><see cref="PagesFactAttribute"/> for a theory.</summary>
public sealed class PagesTheoryAttribute : TheoryAttribute
{
    internal const string Reason = "How the pages read, the same on every database: checked in the SQLite pass (ONECLICK_TEST_DATABASE).";

    public PagesTheoryAttribute()
    {
        if (TestDatabase.IsPostgreSql)
        {
            Skip = Reason;
        }
    }
}
