namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL database a test makes for itself outside the gateways' own (to set rows up before a
/// gateway starts on it), copied from the migrated template on <see cref="CreateAsync"/> and dropped
/// by <see cref="DropAsync"/> (the test class's own disposal).
/// </summary>
public sealed class DatabaseOfItsOwn(string prefix)
{
    public string Name { get; } = prefix + Guid.NewGuid().ToString("N");

    public string ConnectionString => TestDatabase.ConnectionStringFor(Name);

    public Task<string> CreateAsync() => TestDatabase.CreateAsync(Name);

    public async Task DropAsync()
    {
        if (TestDatabase.PostgreSqlUnreachable is null)
        {
            await TestDatabase.DropAsync(Name);
        }
    }
}
