using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneClick.Web.Persistence;

public sealed partial class RowStatements
{
    /// <summary>A property as its column stores it.</summary>
    private sealed class Column(IProperty property, StoreObjectIdentifier table, IClrPropertyGetter? owner)
    {
        private readonly IClrPropertyGetter getter = property.GetGetter();
        private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter =
            property.GetValueConverter() ?? property.GetTypeMapping().Converter;

        // A configured default stands in for a value left at its sentinel, as SaveChanges lets the database's default stand.
        private readonly object? defaultValue = property.TryGetDefaultValue(out var configured) ? configured
            : property.GetDefaultValueSql() is not null || property.GetComputedColumnSql() is not null
                ? throw new InvalidOperationException($"{property.DeclaringType.ClrType.Name}.{property.Name} is made by SQL: write it with SaveChanges.")
                : null;

        public IProperty Property { get; } = property;

        /// <summary>
        /// Whether the column's default is another value than the property's sentinel: SaveChanges
        /// would then read the default back into the entity, which a kept statement does not do.
        /// </summary>
        public bool DefaultDiffersFromSentinel => defaultValue is not null && !Equals(defaultValue, Property.Sentinel);

        /// <summary>The owned value the column belongs to (an order's billing address), or null for the entity's own.</summary>
        public IClrPropertyGetter? Owner { get; } = owner;

        public string Name { get; } = property.GetColumnName(table)!;

        public RelationalTypeMapping Mapping { get; } = (RelationalTypeMapping)property.GetTypeMapping();

        /// <summary>The value as the column stores it; null for none.</summary>
        public object? ProviderValue(object entity, bool forInsert)
        {
            var container = Owner is null ? entity : Owner.GetClrValueUsingContainingEntity(entity);
            if (container is null)
            {
                return null; // no owned value: its columns are empty
            }

            var value = forInsert && defaultValue is not null && getter.HasSentinelValueUsingContainingEntity(container)
                ? defaultValue
                : getter.GetClrValueUsingContainingEntity(container);
            return ToProvider(value);
        }

        /// <summary>A value of the property as its column stores it; null for none.</summary>
        public object? ToProvider(object? value) => value is null ? null : converter is null ? value : converter.ConvertToProvider(value);

        /// <summary>A value the database gave back (a key it made), as the property holds it.</summary>
        public object? FromStore(object? stored) => converter is null
            ? Convert.ChangeType(stored, Property.ClrType, System.Globalization.CultureInfo.InvariantCulture)
            : converter.ConvertFromProvider(stored);

        /// <summary>Sets a key the database made (the entity's setter is private: it is set as EF Core sets it, by reflection).</summary>
        public void Set(object entity, object? value)
        {
            if (Property.PropertyInfo is { CanWrite: true } writable)
            {
                writable.SetValue(entity, value);
            }
            else
            {
                Property.FieldInfo!.SetValue(entity, value);
            }
        }
    }
}
