using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Orders;
using OneClick.Core.Shops;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.ContractId).HasMaxLength(ApiOrderParser.MaxContractIdLength).IsRequired();
        builder.Property(c => c.CreatedByOrderId).HasMaxLength(32).IsRequired();
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Brand).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Bin).HasMaxLength(6).IsRequired();
        builder.Property(c => c.LastFour).HasMaxLength(4).IsRequired();
        builder.Property(c => c.HolderName).HasMaxLength(100);
        builder.Property(c => c.EncryptedPan).IsRequired();
        builder.Property(c => c.KeyId).HasMaxLength(16).IsRequired();
        builder.Ignore(c => c.Expiry);
        builder.Ignore(c => c.Pan);
        builder.Ignore(c => c.Masked);
        builder.Ignore(c => c.Display);
        builder.Ignore(c => c.IsChargeable);
        builder.HasOne<Shop>().WithMany().HasForeignKey(c => c.ShopId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        // A contractId names one contract in its shop: the database holds the rule.
        builder.HasIndex(c => new { c.ShopId, c.ContractId }).IsUnique();
        builder.HasIndex(c => c.CustomerId);
    }
}
