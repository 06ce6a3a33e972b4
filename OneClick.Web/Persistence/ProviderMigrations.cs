using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

/// <summary>
/// The migrations of the provider in use. Both providers' migrations are in this assembly for the same
/// context, SQLite's in <c>Persistence.Migrations</c> (written by hand) and PostgreSQL's in
/// <c>Persistence.Migrations.PostgreSql</c> (made by <c>dotnet ef</c>); EF Core would take them all,
/// so each provider is shown the ones of its namespace only (decision 030).
/// </summary>
public sealed class ProviderMigrations : IMigrationsAssembly
{
    public const string SqliteNamespace = "OneClick.Web.Persistence.Migrations";
    public const string PostgreSqlNamespace = "OneClick.Web.Persistence.Migrations.PostgreSql";

    private readonly Type contextType;
    private readonly Lazy<IReadOnlyDictionary<string, TypeInfo>> migrations;
    private readonly Lazy<ModelSnapshot?> snapshot;

    public ProviderMigrations(ICurrentDbContext currentContext, IDatabaseProvider provider)
    {
        contextType = currentContext.Context.GetType();
        var ns = provider.Name.StartsWith("Npgsql", StringComparison.Ordinal) ? PostgreSqlNamespace : SqliteNamespace;
        var types = Assembly.DefinedTypes.Where(t => t.Namespace == ns && !t.IsAbstract && !t.IsGenericTypeDefinition && OfThisContext(t)).ToList();
        migrations = new(() => types
            .Where(t => t.IsSubclassOf(typeof(Migration)) && t.GetCustomAttribute<MigrationAttribute>() is not null)
            .Select(t => (Id: t.GetCustomAttribute<MigrationAttribute>()!.Id, Type: t))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToDictionary(m => m.Id, m => m.Type));
        snapshot = new(() => types.Where(t => t.IsSubclassOf(typeof(ModelSnapshot))).Select(t => (ModelSnapshot)Activator.CreateInstance(t.AsType())!).FirstOrDefault());
    }

    public IReadOnlyDictionary<string, TypeInfo> Migrations => migrations.Value;

    public ModelSnapshot? ModelSnapshot => snapshot.Value;

    public Assembly Assembly => typeof(ProviderMigrations).Assembly;

    public string? FindMigrationId(string nameOrId) =>
        Migrations.Keys.FirstOrDefault(id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..], nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private bool OfThisContext(TypeInfo type) => type.GetCustomAttribute<DbContextAttribute>()?.ContextType == contextType;
}
