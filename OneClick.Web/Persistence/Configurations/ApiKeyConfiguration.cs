using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Shops;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength).IsRequired();
        builder.Property(k => k.Prefix).HasMaxLength(ApiKey.PrefixLength).IsRequired();
        builder.Property(k => k.KeyHash).HasMaxLength(64).IsRequired();
        builder.Ignore(k => k.IsActive);
        // The API finds a key by its hash alone; two shops can never share one.
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.ShopId);
        builder.HasOne<Shop>().WithMany().HasForeignKey(k => k.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
