using System.Collections;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

/// <summary>
/// Writes an entity's row inside a write turn with a statement kept prepared on the turn's
/// connection, instead of EF Core's <c>SaveChanges</c>: in the hot path's turns a <c>SaveChanges</c>
/// of one row cost 130–230 µs of the gate and a prepared statement 20–30 µs (decision 024). The
/// statement is made from EF Core's model (table, columns, each column's type mapping, so that values
/// are stored as <c>SaveChanges</c> stores them); the values are the entity's, as its own methods left
/// them. The methods here take an entity read without tracking (a tracked one would be written again
/// by the next <c>SaveChanges</c>); <see cref="SaveAsync"/> writes what a context tracks.
/// </summary>
public sealed partial class RowStatements
{
    private static readonly ConcurrentDictionary<IEntityType, RowColumns?> Tables = new();
    private static readonly ConcurrentDictionary<(IEntityType, ulong Written, string Guards), RowShape> Updates = new();
    private static readonly ConcurrentDictionary<IEntityType, RowShape> Inserts = new();

    // The writer connection lives as long as the process; a connection that is gone takes its commands with it.
    private readonly ConditionalWeakTable<DbConnection, Dictionary<RowShape, DbCommand>> kept = [];

    /// <summary>Inserts the entity's row and sets its key when the database makes it.</summary>
    /// <exception cref="DbUpdateException">The database refused the row (a unique index, a foreign key).</exception>
    public async Task InsertAsync<TEntity>(DbContext db, TEntity entity, CancellationToken cancellationToken)
        where TEntity : class
    {
        var table = ColumnsOf(db, typeof(TEntity));
        if (await InsertRowAsync(db, table, entity, null, cancellationToken) is { } key)
        {
            table.GeneratedKey!.Set(entity, key);
        }
    }

    /// <summary>The entity's columns as read, before its methods change it: what an update compares with.</summary>
    public RowSnapshot Snapshot<TEntity>(DbContext db, TEntity entity)
        where TEntity : class => new(ColumnsOf(db, typeof(TEntity)).ValuesOf(entity));

    /// <summary>
    /// Writes the columns the entity's methods changed since <paramref name="asRead"/>, found by its key
    /// and, as SaveChanges does, only while its concurrency tokens hold the values read.
    /// </summary>
    /// <exception cref="DbUpdateConcurrencyException">The row was deleted, or changed where it is guarded.</exception>
    public async Task UpdateAsync<TEntity>(DbContext db, TEntity entity, RowSnapshot asRead, CancellationToken cancellationToken, params string[] guarded)
        where TEntity : class
    {
        if (!await TryUpdateAsync(db, entity, asRead, cancellationToken, guarded))
        {
            throw Conflict(typeof(TEntity));
        }
    }

    /// <summary>
    /// <see cref="UpdateAsync"/>, with the <paramref name="guarded"/> columns also required to hold
    /// the values read (the compare-and-set of a race: two requests spending one token); false when
    /// no row did.
    /// </summary>
    public Task<bool> TryUpdateAsync<TEntity>(DbContext db, TEntity entity, RowSnapshot asRead, CancellationToken cancellationToken, params string[] guarded)
        where TEntity : class
    {
        var table = ColumnsOf(db, typeof(TEntity));
        var now = table.ValuesOf(entity);
        var guards = guarded.Length == 0 ? "" : string.Join('|', guarded);
        return UpdateRowAsync(db, table, table.Changed(asRead.Values, now), guards, now, asRead.Values, null, cancellationToken);
    }

    /// <summary>Inserts a row from the entity's values; the key the database made, or null when the client made it.</summary>
    private async Task<object?> InsertRowAsync(DbContext db, RowColumns table, object entity, EntityEntry? entry, CancellationToken cancellationToken)
    {
        var command = Bind(db, Inserts.GetOrAdd(table.EntityType, static (_, t) => RowShape.Insert(t), table), entity, null);
        try
        {
            if (table.GeneratedKey is not { } key)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                return null;
            }

            return key.FromStore(await command.ExecuteScalarAsync(cancellationToken));
        }
        catch (DbException ex)
        {
            throw Refused(table, ex, entry);
        }
    }

    /// <summary>Writes the <paramref name="written"/> columns while the key and the guards hold; whether a row did.</summary>
    private async Task<bool> UpdateRowAsync(DbContext db, RowColumns table, ulong written, string guards, object?[] now, object?[] asRead, EntityEntry? entry, CancellationToken cancellationToken)
    {
        var shape = Updates.GetOrAdd((table.EntityType, written, guards), static (key, t) => RowShape.Update(t, key.Written, key.Guards), table);
        try
        {
            return await Bind(db, shape, now, asRead).ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (DbException ex)
        {
            throw Refused(table, ex, entry);
        }
    }

    // As SaveChanges reports them, so that callers catch one exception whichever way the row went.
    private static DbUpdateException Refused(RowColumns table, DbException ex, EntityEntry? entry) =>
        new($"The {table.EntityType.ClrType.Name} row was refused: {ex.Message}", ex, entry is null ? [] : [entry]);

    private static DbUpdateConcurrencyException Conflict(Type type) =>
        new($"The {type.Name} row was deleted or changed since it was read.");

    private DbCommand Bind(DbContext db, RowShape shape, object values, object?[]? asRead)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A row is written inside a write turn, in its transaction.");
        var commands = kept.GetValue(connection, static _ => []);
        if (!commands.TryGetValue(shape, out var command))
        {
            command = shape.CreateCommand(connection);
            commands.Add(shape, command);
        }

        command.Transaction = transaction;
        shape.SetValues(command, values, asRead);
        return command;
    }

    private static RowColumns ColumnsOf(DbContext db, Type type) =>
        ColumnsOf(db, db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model."));

    private static RowColumns ColumnsOf(DbContext db, IEntityType entityType) =>
        TryColumnsOf(db, entityType) ?? new RowColumns(entityType, db.GetService<ISqlGenerationHelper>()); // throws why

    /// <summary>The entity type's row, or null when a kept statement cannot write it (remembered).</summary>
    private static RowColumns? TryColumnsOf(DbContext db, IEntityType entityType) =>
        Tables.GetOrAdd(entityType, static (e, sql) =>
        {
            try
            {
                return new RowColumns(e, sql);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }, db.GetService<ISqlGenerationHelper>());

    /// <summary>An entity type's row: its key and, in a fixed order, every other column (an owned type's in the same row included).</summary>
    private sealed class RowColumns
    {
        public RowColumns(IEntityType entityType, ISqlGenerationHelper sql)
        {
            EntityType = entityType;
            Sql = sql;
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            TableSql = sql.DelimitIdentifier(table.Name, table.Schema);
            if (entityType.FindPrimaryKey() is not { Properties: [var key] })
            {
                throw new InvalidOperationException($"{entityType.ClrType.Name} has no key of one column: write it with SaveChanges.");
            }

            Key = new Column(key, table, owner: null);
            GeneratedKey = key.ValueGenerated.HasFlag(ValueGenerated.OnAdd) ? Key : null;
            Values = [.. entityType.GetProperties().Where(p => p != key).Select(p => new Column(p, table, owner: null)).Concat(OwnedColumns(entityType, table))];
            Plain = !entityType.GetProperties().Any(p => p.IsShadowProperty());
            if (Values.FirstOrDefault(c => c.DefaultDiffersFromSentinel) is { } defaulted)
            {
                throw new InvalidOperationException($"{entityType.ClrType.Name}.{defaulted.Property.Name} has a default other than its sentinel: write it with SaveChanges.");
            }
            if (Values.Length > 64)
            {
                throw new InvalidOperationException($"{entityType.ClrType.Name} has more than 64 columns: write it with SaveChanges.");
            }
        }

        public IEntityType EntityType { get; }

        /// <summary>
        /// No shadow column: a tracked entry of it can be written from the entity. (An owned type's
        /// entry has a shadow key: one that changed sends the unit of work to SaveChanges.)
        /// </summary>
        public bool Plain { get; }

        public ISqlGenerationHelper Sql { get; }

        public string TableSql { get; }

        public Column Key { get; }

        public Column? GeneratedKey { get; }

        /// <summary>Every column but the key.</summary>
        public Column[] Values { get; }

        /// <summary>The key's value first, then every other column's, as stored.</summary>
        public object?[] ValuesOf(object entity)
        {
            var values = new object?[Values.Length + 1];
            values[0] = Key.ProviderValue(entity, forInsert: false);
            for (var i = 0; i < Values.Length; i++)
            {
                values[i + 1] = Values[i].ProviderValue(entity, forInsert: false);
            }

            return values;
        }

        /// <summary>A tracked entry's original values, as <see cref="ValuesOf"/> gives current ones.</summary>
        public object?[] OriginalValuesOf(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
        {
            var originals = entry.OriginalValues;
            var values = new object?[Values.Length + 1];
            values[0] = Key.ToProvider(originals[Key.Property]);
            for (var i = 0; i < Values.Length; i++)
            {
                // An owned type's columns are its own entry's: unchanged here (a changed one is not written from here).
                values[i + 1] = Values[i].Owner is null ? Values[i].ToProvider(originals[Values[i].Property]) : Values[i].ProviderValue(entry.Entity, forInsert: false);
            }

            return values;
        }

        public ulong Changed(object?[] asRead, object?[] now)
        {
            if (!Equals(asRead[0], now[0]))
            {
                throw new InvalidOperationException($"The snapshot is of another {EntityType.ClrType.Name}.");
            }

            var changed = 0UL;
            for (var i = 0; i < Values.Length; i++)
            {
                if (!StructuralComparisons.StructuralEqualityComparer.Equals(asRead[i + 1], now[i + 1]))
                {
                    changed |= 1UL << i;
                }
            }

            return changed;
        }

        /// <summary>An owned type kept in the owner's table (an order's billing address): its columns but the shared key.</summary>
        private static IEnumerable<Column> OwnedColumns(IEntityType entityType, StoreObjectIdentifier table)
        {
            foreach (var navigation in entityType.GetNavigations().Where(n => n.TargetEntityType.IsOwned()))
            {
                var owned = navigation.TargetEntityType;
                if (owned.GetTableName() != table.Name || owned.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
                {
                    throw new InvalidOperationException($"{entityType.ClrType.Name}.{navigation.Name} is not kept in the owner's row: write it with SaveChanges.");
                }

                foreach (var property in owned.GetProperties().Where(p => !p.IsPrimaryKey()))
                {
                    yield return new Column(property, table, owner: navigation.GetGetter());
                }
            }
        }
    }

    /// <summary>One statement: its SQL and, in order, the parameters it binds (indexes into the row's values).</summary>
    private sealed class RowShape
    {
        private readonly string sql;
        private readonly (Column Column, int Value, bool AsRead)[] parameters;
        private readonly bool fromEntity;

        private RowShape(string sql, (Column, int, bool)[] parameters, bool fromEntity)
        {
            this.sql = sql;
            this.parameters = parameters;
            this.fromEntity = fromEntity;
        }

        /// <summary>INSERT of every column (the key too, unless the database makes it), values from the entity.</summary>
        public static RowShape Insert(RowColumns table)
        {
            var columns = (table.GeneratedKey is null ? new[] { table.Key } : []).Concat(table.Values).ToArray();
            var sql = table.Sql;
            var text = $"INSERT INTO {table.TableSql} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) "
                + $"VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder("p" + i)))})"
                + (table.GeneratedKey is { } key ? $" RETURNING {sql.DelimitIdentifier(key.Name)}" : "");
            return new RowShape(text, [.. columns.Select((c, i) => (c, i, false))], fromEntity: true);
        }

        /// <summary>UPDATE of the written columns, by the key, while the guarded columns and the concurrency tokens hold the values read.</summary>
        public static RowShape Update(RowColumns table, ulong written, string guardNames)
        {
            var sql = table.Sql;
            var names = guardNames.Length == 0 ? [] : guardNames.Split('|');
            var guards = table.Values.Select((c, i) => (Column: c, Index: i + 1))
                .Where(c => c.Column.Property.IsConcurrencyToken || (c.Column.Owner is null && names.Contains(c.Column.Property.Name)))
                .ToList();
            if (names.FirstOrDefault(n => !guards.Any(g => g.Column.Property.Name == n)) is { } unknown)
            {
                throw new InvalidOperationException($"{table.EntityType.ClrType.Name} has no column {unknown} to guard.");
            }

            var parameters = new List<(Column, int, bool)>();
            string Next(Column column, int value, bool asRead)
            {
                parameters.Add((column, value, asRead));
                return sql.GenerateParameterNamePlaceholder("p" + (parameters.Count - 1));
            }

            var set = table.Values.Select((c, i) => (Column: c, Index: i + 1)).Where(c => (written & (1UL << (c.Index - 1))) != 0)
                .Select(c => $"{sql.DelimitIdentifier(c.Column.Name)} = {Next(c.Column, c.Index, false)}")
                .DefaultIfEmpty($"{sql.DelimitIdentifier(table.Key.Name)} = {sql.DelimitIdentifier(table.Key.Name)}") // nothing changed: the guards alone
                .ToList();
            var where = new List<string> { $"{sql.DelimitIdentifier(table.Key.Name)} = {Next(table.Key, 0, false)}" };
            foreach (var (column, index) in guards)
            {
                // A guard on a nullable column also holds when both are null (standard SQL, any provider).
                var name = sql.DelimitIdentifier(column.Name);
                var value = Next(column, index, true);
                where.Add(column.Property.IsNullable ? $"({name} = {value} OR ({name} IS NULL AND {value} IS NULL))" : $"{name} = {value}");
            }

            var text = $"UPDATE {table.TableSql} SET {string.Join(", ", set)} WHERE {string.Join(" AND ", where)}";
            return new RowShape(text, [.. parameters], fromEntity: false);
        }

        public DbCommand CreateCommand(DbConnection connection)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters.Add(parameters[i].Column.Mapping.CreateParameter(command, "p" + i, null, nullable: true));
            }

            command.Prepare();
            return command;
        }

        /// <param name="values">The entity (an insert), or its values now (an update).</param>
        public void SetValues(DbCommand command, object values, object?[]? asRead)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                var (column, index, fromSnapshot) = parameters[i];
                command.Parameters[i].Value = fromEntity
                    ? column.ProviderValue(values, forInsert: true) ?? DBNull.Value
                    : (fromSnapshot ? asRead! : (object?[])values)[index] ?? DBNull.Value;
            }
        }
    }
}

/// <summary>An entity's columns as read (<see cref="RowStatements.Snapshot"/>): what an update compares with.</summary>
public sealed class RowSnapshot
{
    internal RowSnapshot(object?[] values) => Values = values;

    internal object?[] Values { get; }
}
