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
