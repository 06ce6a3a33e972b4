using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Api;
using OneClick.Core.Shops;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength).IsRequired();
        builder.Property(r => r.RequestHash).HasMaxLength(64).IsRequired();
        builder.Ignore(r => r.IsComplete);
        builder.HasOne<Shop>().WithMany().HasForeignKey(r => r.ShopId).OnDelete(DeleteBehavior.Cascade);
        // One execution per key and shop, whatever arrives at the same time.
        builder.HasIndex(r => new { r.ShopId, r.Key }).IsUnique();
        builder.HasIndex(r => r.CreatedAt);
    }
}
