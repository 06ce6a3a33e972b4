using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Shops;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class ShopConfiguration : IEntityTypeConfiguration<Shop>
{
    public void Configure(EntityTypeBuilder<Shop> builder)
    {
        builder.HasKey(s => s.Id);
        // shopID is chosen, not generated: merchants configure it in their integration.
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(200).IsRequired();
        builder.Property(s => s.WebsiteUrl).HasMaxLength(2048).IsRequired();
        builder.Property(s => s.SuccessUrl).HasMaxLength(2048);
        builder.Property(s => s.DeclineUrl).HasMaxLength(2048);
        builder.Property(s => s.PostbackUrl).HasMaxLength(2048);
        builder.Property(s => s.PostbackRetrySchedule).HasMaxLength(200);
        builder.Ignore(s => s.RetrySchedule);
        builder.PrimitiveCollection(s => s.AllowedRedirectHosts).IsRequired();
        builder.PrimitiveCollection(s => s.Currencies).IsRequired();
        builder.HasOne<Merchant>().WithMany().HasForeignKey(s => s.MerchantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(s => s.SignatureKeys).WithOne().HasForeignKey(k => k.ShopId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.SignatureKeys).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
    }
}

internal sealed class ShopSignatureKeyConfiguration : IEntityTypeConfiguration<ShopSignatureKey>
{
    public void Configure(EntityTypeBuilder<ShopSignatureKey> builder)
    {
        builder.ToTable("ShopSignatureKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Secret).HasMaxLength(200).IsRequired();
    }
}
